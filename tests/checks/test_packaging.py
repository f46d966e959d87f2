# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as users get it, not as it sits in this tree.

- ``ansible-galaxy collection build``, then ``ansible-galaxy collection install`` of the tarball into a
  temporary collections path that does not hold the source tree (amazon.aws still comes from the
  ``ansible`` package in site-packages, as Galaxy is not reachable here). Its docs, modules and roles
  run from there, against the emulators that ship inside the tarball, and Ansible says which file it ran.
- Execution environments: ``ansible-builder create`` on the collection's ``meta/execution-environment.yml``
  gives a build context holding our requirement files, ``ansible-builder introspect`` (what an EE build
  runs on the collections it installs) finds them in the installed copy, and the EE definition that
  docs/getting-started.md shows users is valid.

No container is built.
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request

import pytest
import yaml

# One worker runs this file's tests: they share a module-scoped fixture that is expensive to build.
pytestmark = pytest.mark.xdist_group("packaging")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = ("ga_accelerator_listeners", "ga_listener", "ga_listener_info", "nlb_listener_attribute", "nlb_listener_info",
           "nlb_load_balancer_listeners")
ROLES = ("drift_gate", "ga_listeners", "nlb_listener_attributes")
# The emulators' test credentials (tests/emulator/README.md)
CLOUD_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIAEMULATOR00000000",
    "AWS_SECRET_ACCESS_KEY": "emulator-secret-key",
    "AWS_REGION": "us-west-2",
    "ALICLOUD_ACCESS_KEY": "LTAIemulator00000000",
    "ALICLOUD_SECRET_KEY": "emulator-secret-key",
    "ALICLOUD_REGION": "cn-hangzhou",
}


def run(command, env=None, cwd=None):
    completed = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, check=False)
    assert completed.returncode == 0, "%s failed (%d):\n%s" % (" ".join(command), completed.returncode,
                                                               completed.stdout[-8000:])
    return completed.stdout


def requirement_lines(path):
    """The entries of a requirements.txt / bindep.txt file (no comments, no blank lines)."""
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")]


class Installed:
    """The collection built into a tarball and installed into its own collections path."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.collections = os.path.join(workdir, "collections")
        self.path = os.path.join(self.collections, "ansible_collections", "multicloud", "listeners")
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("ANSIBLE_") and key not in ("PYTHONPATH", "AWS_PROFILE")}
        self.env.update(
            PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
            ANSIBLE_COLLECTIONS_PATH=self.collections,
            ANSIBLE_HOME=os.path.join(workdir, "ansible-home"),
            ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-tmp"),
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        )
        dist = os.path.join(workdir, "dist")
        run(["ansible-galaxy", "collection", "build", ROOT, "--output-path", dist], env=self.env, cwd=workdir)
        (name,) = os.listdir(dist)
        self.tarball = os.path.join(dist, name)
        run(["ansible-galaxy", "collection", "install", "--no-deps", "--force", "-p", self.collections, self.tarball],
            env=self.env, cwd=workdir)

    def run(self, *command, extra_env=None):
        env = dict(self.env, **(extra_env or {}))
        return run(list(command), env=env, cwd=self.workdir)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    return Installed(str(tmp_path_factory.mktemp("installed")))


@pytest.fixture(scope="module")
def emulators(installed):
    """The emulators of the installed copy (tests/emulator ships in the tarball), on free ports."""
    env_file = os.path.join(installed.workdir, "emulators.env")
    serve = os.path.join(installed.path, "tests", "emulator", "serve.py")
    with open(os.path.join(installed.workdir, "emulators.log"), "w", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, serve, "--ga-port", "0", "--nlb-port", "0",  # pylint: disable=consider-using-with
                                    "--env-file", env_file, "--deploy-seconds", "0.2", "--job-seconds", "0.2"],
                                   stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while not os.path.exists(env_file):
        assert process.poll() is None and time.monotonic() < deadline, "the installed emulators did not start"
        time.sleep(0.05)
    with open(env_file, encoding="utf-8") as handle:
        endpoints = dict(line.strip().split("=", 1) for line in handle if "=" in line)
    yield endpoints
    process.terminate()
    process.wait(timeout=10)


def cloud_env(endpoints):
    return dict(CLOUD_ENV, AWS_URL=endpoints["GA_ENDPOINT_URL"], ALICLOUD_NLB_ENDPOINT_URL=endpoints["NLB_ENDPOINT_URL"])


def emulator_calls(url):
    with urllib.request.urlopen(url + "/_emulator/calls", timeout=10) as response:  # nosec - the local emulator
        return [call["operation"] for call in yaml.safe_load(response.read())["calls"]]


def clear_calls(url):
    request = urllib.request.Request(url + "/_emulator/calls", method="DELETE")
    with urllib.request.urlopen(request, timeout=10):  # nosec - the local emulator
        pass


def test_tarball_holds_the_content_and_no_build_debris(installed):
    with tarfile.open(installed.tarball) as tar:
        names = set(tar.getnames())
    expected = ["MANIFEST.json", "FILES.json", "meta/runtime.yml", "meta/execution-environment.yml",
                "requirements.txt", "bindep.txt", "tests/emulator/serve.py", "docs/reference/index.rst",
                "tools/drift_check.py", "plugins/filter/plan_drift.py", "plugins/filter/plan_drift.yml",
                "plugins/module_utils/_plan.py", "docs/drift-checks.md"]
    expected += ["plugins/modules/%s.py" % name for name in MODULES]
    expected += ["roles/%s/%s" % (role, path) for role in ROLES
                 for path in ("meta/argument_specs.yml", "defaults/main.yml", "tasks/main.yml", "README.md")]
    missing = [name for name in expected if name not in names]
    assert not missing, "missing from %s: %s" % (installed.tarball, missing)
    debris = sorted(name for name in names
                    if re.search(r"(^|/)(\.venv|\.cache|\.git|__pycache__|\.pytest_cache|\.hypothesis)(/|$)|\.pyc$|^tests/output/", name))
    assert not debris, "build debris in the tarball: %s" % debris[:20]


def test_ansible_finds_only_the_installed_copy(installed):
    listed = installed.run("ansible-galaxy", "collection", "list", "multicloud.listeners")
    assert "# %s" % os.path.join(installed.collections, "ansible_collections") in listed
    assert ROOT not in listed

    files = dict(line.split(None, 1) for line in installed.run("ansible-doc", "-F", "multicloud.listeners").splitlines()
                 if line.strip())
    assert sorted(files) == ["multicloud.listeners.%s" % name for name in MODULES]
    for name in MODULES:
        assert files["multicloud.listeners.%s" % name].strip() == os.path.join(installed.path, "plugins", "modules", name + ".py")


def test_installed_drift_check_runs_from_the_collection(installed):
    """docs/drift-checks.md runs tools/drift_check.py from the installed collection: it is there, and runs."""
    script = os.path.join(installed.path, "tools", "drift_check.py")
    text = installed.run(sys.executable, script, "--help")
    assert "exit 0 when the listeners are in sync, 2 when they drifted" in " ".join(text.split())


@pytest.mark.parametrize("name", MODULES)
def test_installed_module_docs_render(installed, name):
    text = installed.run("ansible-doc", "multicloud.listeners.%s" % name)
    assert text.startswith("> MODULE multicloud.listeners.%s (%s)" % (name, os.path.join(installed.path, "plugins", "modules", name + ".py")))
    for section in ("OPTIONS", "EXAMPLES:", "RETURN VALUES:"):
        assert section in text, "%s has no %s in ansible-doc:\n%s" % (name, section, text[:3000])


@pytest.mark.parametrize("name", ROLES)
def test_installed_role_docs_render(installed, name):
    text = installed.run("ansible-doc", "-t", "role", "multicloud.listeners.%s" % name)
    assert text.startswith("> ROLE: *multicloud.listeners.%s* (%s)" % (name, installed.path))
    assert "ENTRY POINT: *main*" in text


@pytest.mark.parametrize("module, args, seen", [
    ("ga_listener_info", "accelerator_name=web-accelerator",
     "arn:aws:globalaccelerator::123456789012:accelerator/5f0e4c1a-0000-4a5b-8c3d-000000000002/listener/0a0b0080"),
    ("nlb_listener_info", "load_balancer_id=nlb-demo0000000000001", "lsn-demo0000000000001@443"),
])
def test_installed_module_runs(installed, emulators, module, args, seen):
    output = installed.run("ansible", "localhost", "-vvv", "-m", "multicloud.listeners.%s" % module, "-a", args,
                           extra_env=cloud_env(emulators))
    assert "Using module file %s\n" % os.path.join(installed.path, "plugins", "modules", module + ".py") in output
    assert "localhost | SUCCESS => " in output
    assert seen in output


def test_installed_role_previews_in_check_mode(installed, emulators):
    playbook = os.path.join(installed.workdir, "role.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        yaml.safe_dump([{
            "name": "The installed ga_listeners role",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "module_defaults": {"group/multicloud.listeners.aws": {"region": "us-west-2"}},
            "roles": [{"role": "multicloud.listeners.ga_listeners", "vars": {
                "ga_listeners_accelerator_name": "env-dev",
                "ga_listeners_listeners": [{"protocol": "TCP", "port_ranges": [{"from_port": 80}, {"from_port": 443}]}],
            }}],
        }], handle)
    clear_calls(emulators["GA_ENDPOINT_URL"])
    output = installed.run("ansible-playbook", playbook, "--check", "-vvv", extra_env=cloud_env(emulators))
    assert "Using module file %s\n" % os.path.join(installed.path, "plugins", "modules", "ga_accelerator_listeners.py") in output
    assert re.search(r"localhost\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0", output), output[-3000:]
    # One ga_accelerator_listeners task: the accelerator by name and its listeners, no write in check mode
    assert emulator_calls(emulators["GA_ENDPOINT_URL"]) == ["ListAccelerators", "ListListeners"]


def test_ee_dependency_file_gives_a_build_context(tmp_path):
    """meta/execution-environment.yml names files relative to the collection root (what ansible-builder's
    collection introspection expects), so it is used as an EE definition from a copy of that layout."""
    with open(os.path.join(ROOT, "meta", "execution-environment.yml"), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    files = definition["dependencies"]
    assert files == {"python": "requirements.txt", "system": "bindep.txt"}
    source = tmp_path / "collection-root"
    source.mkdir()
    shutil.copy(os.path.join(ROOT, "meta", "execution-environment.yml"), str(source / "execution-environment.yml"))
    for name in files.values():
        shutil.copy(os.path.join(ROOT, name), str(source / name))
    context = tmp_path / "context"
    run(["ansible-builder", "create", "-f", str(source / "execution-environment.yml"), "-c", str(context),
         "--output-filename", "Containerfile"], cwd=str(tmp_path))
    for kind, name in files.items():
        built = context / "_build" / name
        assert requirement_lines(str(built)) == requirement_lines(os.path.join(ROOT, name)), kind
        assert requirement_lines(str(built)), "%s is empty" % name
    containerfile = (context / "Containerfile").read_text()
    assert "COPY _build/requirements.txt requirements.txt" in containerfile
    assert "COPY _build/bindep.txt bindep.txt" in containerfile
    assert "--user-pip=requirements.txt --user-bindep=bindep.txt" in containerfile


def test_ee_build_finds_the_requirements_of_the_installed_collection(installed):
    dump = installed.run("ansible-builder", "introspect", "--sanitize", installed.collections)
    found = yaml.safe_load(dump)
    suffix = "  # from collection multicloud.listeners"
    assert found["python"] == [line + suffix for line in requirement_lines(os.path.join(ROOT, "requirements.txt"))]
    assert found["system"] == [line + suffix for line in requirement_lines(os.path.join(ROOT, "bindep.txt"))]


def test_the_ee_definition_in_getting_started_is_valid(tmp_path):
    with open(os.path.join(ROOT, "docs", "getting-started.md"), encoding="utf-8") as handle:
        guide = handle.read()
    match = re.search(r"```yaml\n# execution-environment.yml \(yours\)\n(.*?)```", guide, re.S)
    assert match, "docs/getting-started.md no longer shows the EE definition this test checks"
    definition = tmp_path / "execution-environment.yml"
    definition.write_text(match.group(1))
    context = tmp_path / "context"
    run(["ansible-builder", "create", "-f", str(definition), "-c", str(context), "--output-filename", "Containerfile"],
        cwd=str(tmp_path))
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert galaxy == {"collections": [{"name": "multicloud.listeners"}]}
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/ansible/awx-ee:latest"' in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect" in containerfile
