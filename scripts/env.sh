# Sourced by the Makefile's recipes: the environment every tool of the project runs in.
# Keeps Ansible's and ansible-test's homes inside the clone (.cache/) and makes the
# collection (and amazon.aws from the `ansible` package) resolvable without Galaxy.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_HOME="$ROOT/.cache/ansible-home"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.cache/collections"
export ANSIBLE_PYTHON_INTERPRETER="$ROOT/.venv/bin/python"
export ANSIBLE_LOCAL_TEMP="$ROOT/.cache/ansible-tmp"
# AnsiballZ files of tasks on localhost go to the remote temp dir (default ~/.ansible/tmp): keep them here too
export ANSIBLE_REMOTE_TEMP="$ROOT/.cache/ansible-tmp/remote"
export ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-1}
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$ROOT/.cache/collections/ansible_collections/multicloud" "$ANSIBLE_HOME"
[ -L "$ROOT/.cache/collections/ansible_collections/multicloud/listeners" ] || \
  ln -sfn ../../../.. "$ROOT/.cache/collections/ansible_collections/multicloud/listeners"
