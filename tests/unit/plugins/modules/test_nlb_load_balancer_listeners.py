# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nlb_load_balancer_listeners against a fake SDK client (nlb_fake.py, taught CreateListener and DeleteListener
here): the call log is asserted exactly."""

import json

import pytest

from ansible_collections.multicloud.listeners.plugins.module_utils import _alicloud
from ansible_collections.multicloud.listeners.plugins.module_utils import _nlb
from ansible_collections.multicloud.listeners.plugins.modules import nlb_load_balancer_listeners as module
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import FakeNlb
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.nlb_fake import api_error
from ansible_collections.multicloud.listeners.tests.unit.plugins.modules.module_runner import run_module

SECRET = "unit-secret-never-shown"
CREDS = {"alicloud_access_key": "LTAIunit", "alicloud_secret_key": SECRET, "alicloud_region": "cn-hangzhou"}
LB = "nlb-demo"
NOW = 1_700_000_000


class FakeLifecycle(FakeNlb):
    """FakeNlb with CreateListener / DeleteListener and one job per write (statuses from ``job_statuses``)."""

    def __init__(self):
        super(FakeLifecycle, self).__init__()
        self.jobs = 0
        self.errors = {}  # operation -> error answered (DryRun or not) for the listener port given

    def _job(self):
        self.jobs += 1
        return "job-%d" % self.jobs

    def _dry_run(self, operation, request):
        refusal = self.errors.get((operation, request.get("ListenerPort") or request.get("ListenerId")))
        if refusal is not None:
            raise refusal
        if request.get("DryRun"):
            raise api_error("DryRunOperation", "Request validation has been passed with DryRun flag set.", request_id="REQ-DRY")

    def create_listener(self, request):
        self._dry_run("create_listener", request)
        port = request["ListenerPort"]
        listener_id = "lsn-new@%s" % (port or "%s-%s" % (request["StartPort"], request["EndPort"]))
        listener = dict((key, value) for key, value in request.items() if key not in ("ClientToken", "DryRun"))
        listener.update(ListenerId=listener_id, ListenerStatus="Running")
        self.listeners[listener_id] = listener
        return {"JobId": self._job(), "ListenerId": listener_id, "RequestId": "REQ-CREATE"}

    def delete_listener(self, request):
        self._listener(request["ListenerId"])
        self._dry_run("delete_listener", request)
        del self.listeners[request["ListenerId"]]
        return {"JobId": self._job(), "RequestId": "REQ-DELETE"}

    def update_listener_attribute(self, request):
        self._dry_run("update_listener_attribute", request)
        answer = super(FakeLifecycle, self).update_listener_attribute(request)
        return dict(answer, JobId=self._job())


@pytest.fixture
def nlb(monkeypatch):
    fake = FakeLifecycle()
    monkeypatch.setattr(_nlb, "_load_sdk_client_class", fake.client_class)
    monkeypatch.setattr(_alicloud.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(module.time, "time", lambda: NOW)
    return fake


def run(capsys, check_mode=False, diff=False, **args):
    return run_module(module, capsys, dict(CREDS, **dict({"load_balancer_id": LB}, **args)), check_mode, diff, secret=SECRET)


def tcp(port, **extra):
    return dict({"listener_protocol": "TCP", "listener_port": port}, **extra)


def writes(nlb):
    """The write calls, without the empty ``Tag`` list the SDK models' to_map() adds."""
    return [(operation, dict((key, value) for key, value in request.items() if key != "Tag" or value)) for operation, request in nlb.calls
            if operation in ("create_listener", "delete_listener", "update_listener_attribute")]


IN_SYNC = [tcp(80, idle_timeout=900), {"listener_protocol": "UDP", "listener_port": 53},
           {"listener_protocol": "TCPSSL", "listener_port": 443, "certificate_ids": ["cert-1"]}]


def test_a_set_in_sync_is_read_only(nlb, capsys):
    result = run(capsys, listeners=IN_SYNC)
    assert result["changed"] is False
    assert nlb.operations() == ["list_listeners", "list_listeners"]  # the fake's pages hold 2 listeners
    assert dict(nlb.calls[0][1], Tag=None) == {"LoadBalancerIds": [LB], "MaxResults": 100, "RegionId": "cn-hangzhou", "Tag": None}
    assert [record["action"] for record in result["plan"]] == ["none", "none", "none"]
    assert [record["id"] for record in result["plan"]] == ["lsn-demo@80", "lsn-demo@53", "lsn-demo@443"]
    assert [item["listener_id"] for item in result["listeners"]] == ["lsn-demo@53", "lsn-demo@80", "lsn-demo@443"]
    assert result["undeclared"] == []


def test_undeclared_listeners_are_kept_and_returned(nlb, capsys):
    result = run(capsys, listeners=[tcp(80)])
    assert result["changed"] is False
    assert [item["listener_id"] for item in result["undeclared"]] == ["lsn-demo@53", "lsn-demo@443"]


def test_create_update_delete_sent_together_then_jobs_then_one_read(nlb, capsys):
    nlb.job_statuses = ["Processing", "Succeeded"]
    result = run(capsys, diff=True, listeners=[
        tcp(80, idle_timeout=600),
        tcp(8080, server_group_id="sgp-tcp", listener_description="new_8080"),
        {"listener_protocol": "UDP", "listener_port": 53, "state": "absent"},
    ])
    assert result["changed"] is True
    assert nlb.operations() == ["list_listeners"] * 2 + ["delete_listener", "update_listener_attribute", "create_listener"] \
        + ["get_job_status"] * 4 + ["list_listeners"] * 2
    # the jobs are asked for oldest first: the first round stops at job-1 (still Processing), the second finds it
    # done and goes on to the two later jobs
    assert [request["JobId"] for operation, request in nlb.calls if operation == "get_job_status"] == ["job-1", "job-1", "job-2", "job-3"]
    delete, update, create = [request for dummy, request in writes(nlb)]
    assert delete == {"ListenerId": "lsn-demo@53", "RegionId": "cn-hangzhou", "ClientToken": delete["ClientToken"]}
    assert update == {"ListenerId": "lsn-demo@80", "RegionId": "cn-hangzhou", "IdleTimeout": 600, "ClientToken": update["ClientToken"]}
    assert create == {"LoadBalancerId": LB, "ListenerProtocol": "TCP", "ListenerPort": 8080, "RegionId": "cn-hangzhou",
                      "ServerGroupId": "sgp-tcp", "ListenerDescription": "new_8080", "ClientToken": create["ClientToken"]}
    assert len(set(request["ClientToken"] for request in (delete, update, create))) == 3
    assert [record["action"] for record in result["plan"]] == ["update", "create", "delete", "undeclared"]
    assert result["plan"][1]["id"] == "lsn-new@8080"
    assert result["plan"][1]["changes"] == {"listener_description": {"before": None, "after": "new_8080"},
                                            "server_group_id": {"before": None, "after": "sgp-tcp"}}
    assert result["plan"][0]["changes"] == {"idle_timeout": {"before": 900, "after": 600}}
    assert [item["listener_id"] for item in result["listeners"]] == ["lsn-demo@80", "lsn-demo@443", "lsn-new@8080"]
    assert len(result["diff"]["before"]["listeners"]) == 3 and len(result["diff"]["after"]["listeners"]) == 3


def test_tokens_are_stable_within_the_moment_and_differ_across_moments(nlb, capsys, monkeypatch):
    listeners = [tcp(8080, server_group_id="sgp-tcp")]
    run(capsys, check_mode=True, listeners=listeners)
    run(capsys, check_mode=True, listeners=listeners)
    monkeypatch.setattr(module.time, "time", lambda: NOW + 1)
    run(capsys, check_mode=True, listeners=listeners)
    tokens = [request["ClientToken"] for dummy, request in writes(nlb)]
    assert tokens[0] == tokens[1] != tokens[2]


def test_a_client_token_prefix_is_kept(nlb, capsys):
    run(capsys, check_mode=True, listeners=[tcp(8080, server_group_id="sgp-tcp")], client_token="deploy-42")
    [(dummy, request)] = writes(nlb)
    assert request["ClientToken"].startswith("deploy-42-") and len(request["ClientToken"]) == len("deploy-42-") + 32


def test_check_mode_sends_every_write_with_dry_run(nlb, capsys):
    result = run(capsys, check_mode=True, diff=True, listeners=[
        tcp(80, cps=100), tcp(8080, server_group_id="sgp-tcp"), {"listener_protocol": "UDP", "listener_port": 53, "state": "absent"}])
    assert result["changed"] is True
    assert [operation for operation, dummy in writes(nlb)] == ["delete_listener", "update_listener_attribute", "create_listener"]
    assert all(request["DryRun"] is True for dummy, request in writes(nlb))
    assert "get_job_status" not in nlb.operations()
    assert [item["listener_id"] for item in result["listeners"]] == ["lsn-demo@80", "lsn-demo@443", None]
    assert result["listeners"][0]["cps"] == 100
    assert len(nlb.listeners) == 3


def test_a_refused_preview_names_every_refused_entry(nlb, capsys):
    nlb.errors[("create_listener", 8080)] = api_error("ResourceNotFound.serverGroup", "The server group sgp-x is not found.")
    nlb.errors[("update_listener_attribute", "lsn-demo@80")] = api_error("Mismatch.VpcId", "The VpcId is mismatched.")
    result = run(capsys, check_mode=True, listeners=[tcp(80, server_group_id="sgp-other"), tcp(8080, server_group_id="sgp-x"),
                                                     tcp(9090, server_group_id="sgp-tcp")])
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == (
        "The service refused 2 of the 3 writes of the preview (DryRun): update listeners[0] (TCP:80): Mismatch.VpcId: "
        "The VpcId is mismatched. (RequestId: REQ-ERR); create listeners[1] (TCP:8080): ResourceNotFound.serverGroup: "
        "The server group sgp-x is not found. (RequestId: REQ-ERR)")
    assert [operation for operation, dummy in writes(nlb)] == ["update_listener_attribute", "create_listener", "create_listener"]
    assert [(record["action"], (record.get("error") or {}).get("code")) for record in result["plan"]] == [
        ("update", "Mismatch.VpcId"), ("create", "ResourceNotFound.serverGroup"), ("create", None),
        ("undeclared", None), ("undeclared", None)]


def test_purge_deletes_the_undeclared(nlb, capsys):
    result = run(capsys, listeners=[tcp(80)], purge=True)
    assert [record["action"] for record in result["plan"]] == ["none", "delete", "delete"]
    assert [record["id"] for record in result["plan"]] == ["lsn-demo@80", "lsn-demo@53", "lsn-demo@443"]
    assert [item["listener_id"] for item in result["listeners"]] == ["lsn-demo@80"]
    assert result["undeclared"] == []


@pytest.mark.parametrize("args, message", [
    ({"listeners": [], "purge": True},
     "purge: true with listeners: [] (no listener declared) would delete every listener of load balancer nlb-demo"),
    ({"listeners": [], "purge_listeners": True},
     "purge: true with listeners: [] (no listener declared) would delete every listener of load balancer nlb-demo"),
    ({"listeners": [], "delete_all_listeners": True}, "delete_all_listeners: true needs purge: true"),
    ({"load_balancer_id": "  "}, "load_balancer_id: '  ' was given, which names no resource"),
    ({"load_balancer_id": ""}, "load_balancer_id: '' was given, which names no resource"),
    ({"listeners": [tcp(70000)]}, "listeners[0].listener_port: 70000 is not a port"),
    ({"listeners": [tcp(0)]}, "listeners[0]: listener_port 0 declares a port range and needs start_port and end_port"),
    ({"listeners": [tcp(80), {"listener_protocol": "TCPSSL", "listener_port": 80}]},
     "listeners[1] (TCPSSL:80) shares a port with listeners[0] (TCP:80)"),
    ({"listeners": [tcp(80, alpn_enabled=True)]}, "listeners[0] (TCP:80): alpn_enabled can only be set on TCPSSL listeners"),
    ({"wait_timeout": 0}, "wait_timeout must be an integer from 1 to 3600 seconds, got 0"),
    ({"client_token": "x" * 32}, "client_token: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'; allowed: a prefix of 1 to 31"),
])
def test_bad_input_is_refused_before_any_call(nlb, capsys, args, message):
    result = run(capsys, **args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert nlb.calls == []


def test_rules_that_need_the_read_are_checked_before_any_write(nlb, capsys):
    result = run(capsys, listeners=[tcp(8080), {"listener_protocol": "TCPSSL", "listener_port": 443, "alpn_enabled": True}])
    assert result["failed"] is True
    assert "listeners[0] (TCP:8080): server_group_id is required to create the listener" in result["msg"]
    assert "listeners[1] (TCPSSL:443): alpn_policy is required when enabling ALPN" in result["msg"]
    assert nlb.operations() == ["list_listeners", "list_listeners"]


def test_a_create_on_a_kept_listener_port_is_refused_before_any_write(nlb, capsys):
    result = run(capsys, listeners=[{"listener_protocol": "TCPSSL", "listener_port": 0, "start_port": 70, "end_port": 90,
                                     "server_group_id": "sgp-ssl", "certificate_ids": ["cert-1"]}])
    assert result["failed"] is True
    assert result["msg"].startswith("listeners[0] (TCPSSL:70-90) would share a port with listener lsn-demo@80 (TCP:80)")
    assert result["plan"][0]["error"]["code"] == "Conflict.Port"
    assert result["plan"][0]["key"] == {"load_balancer_id": LB, "protocol": "TCPSSL", "port": 0, "start_port": 70, "end_port": 90}
    assert nlb.operations() == ["list_listeners", "list_listeners"]


def test_a_create_on_a_deleted_listener_port_waits_for_the_delete_job(nlb, capsys):
    tls = {"listener_protocol": "TCPSSL", "listener_port": 80, "server_group_id": "sgp-ssl", "certificate_ids": ["cert-1"]}
    result = run(capsys, listeners=[tcp(80, state="absent"), tls])
    assert nlb.operations() == ["list_listeners"] * 2 + ["delete_listener", "get_job_status", "create_listener", "get_job_status"] \
        + ["list_listeners"] * 2
    assert [record["action"] for record in result["plan"]] == ["delete", "create", "undeclared", "undeclared"]
    assert [record["id"] for record in result["plan"][2:]] == [item["listener_id"] for item in result["undeclared"]]


def test_the_dependent_create_is_not_prechecked(nlb, capsys):
    result = run(capsys, check_mode=True, listeners=[tcp(80, state="absent"),
                                                     {"listener_protocol": "TCPSSL", "listener_port": 80, "server_group_id": "sgp-ssl",
                                                      "certificate_ids": ["cert-1"]}])
    assert [operation for operation, dummy in writes(nlb)] == ["delete_listener"]
    assert "create listeners[1] (TCPSSL:80): not prechecked with DryRun" in json.dumps(result["warnings"])


def test_a_write_failing_after_others_reports_what_was_applied(nlb, capsys):
    nlb.failures["create_listener"] = [api_error("ResourceNotFound.serverGroup", "The server group sgp-x is not found.")]
    result = run(capsys, listeners=[tcp(80, cps=5), tcp(8080, server_group_id="sgp-x"), tcp(9090, server_group_id="sgp-tcp")])
    assert result["failed"] is True and result["changed"] is True
    assert nlb.operations() == ["list_listeners"] * 2 + ["update_listener_attribute", "create_listener", "get_job_status"] \
        + ["list_listeners"] * 2
    assert [(record["action"], record.get("error", {}).get("code")) for record in result["plan"]] == [
        ("update", None), ("create", "ResourceNotFound.serverGroup")]
    assert result["msg"] == ("Failed to create listeners[1] (TCP:8080), after the service applied 1 write (update TCP 80 "
                             "(lsn-demo@80)): ResourceNotFound.serverGroup: The server group sgp-x is not found. (RequestId: REQ-ERR)")
    assert [item["cps"] for item in result["listeners"] if item["listener_port"] == 80] == [5]
    assert result["error"]["code"] == "ResourceNotFound.serverGroup" and result["retries"] == 0


def test_a_failed_job_is_reported_and_not_counted_as_applied(nlb, capsys):
    nlb.job_statuses = ["Succeeded", "Failed", "Succeeded"]
    result = run(capsys, listeners=[tcp(80, cps=5), tcp(8080, server_group_id="sgp-tcp")])
    assert result["failed"] is True and result["changed"] is True
    assert [record["action"] for record in result["plan"]] == ["update", "create"]
    assert result["plan"][1]["error"]["message"] == "job job-2 failed"
    assert result["msg"] == "Job job-2 (create listeners[1] (TCP:8080)) failed, after the service applied 1 write (update TCP 80 (lsn-demo@80))"


def job_answers(nlb, monkeypatch, answers):
    """GetJobStatus answers per job: ``answers[job_id]``, a list whose last item repeats."""
    def get_job_status(request):
        statuses = answers[request["JobId"]]
        return {"Status": statuses.pop(0) if len(statuses) > 1 else statuses[0], "RequestId": "REQ-JOB"}
    monkeypatch.setattr(nlb, "get_job_status", get_job_status)


def test_a_timeout_names_only_the_jobs_still_running_after_a_last_look_at_every_job(nlb, capsys, monkeypatch):
    # job-1 never ends; job-2 failed and job-3 succeeded, but the rounds never got past job-1
    job_answers(nlb, monkeypatch, {"job-1": ["Processing"], "job-2": ["Failed"], "job-3": ["Succeeded"]})
    clock = iter(range(0, 10000, 7))
    monkeypatch.setattr(_alicloud.time, "monotonic", lambda: next(clock))
    result = run(capsys, listeners=[tcp(80, cps=5), tcp(8080, server_group_id="sgp-tcp"), tcp(8081, server_group_id="sgp-tcp")],
                 wait_timeout=10)
    assert result["failed"] is True and result["changed"] is True
    polled = [request["JobId"] for operation, request in nlb.calls if operation == "get_job_status"]
    # the rounds ask for job-1 only; the last look at the deadline asks for each job once
    assert polled[-3:] == ["job-1", "job-2", "job-3"] and set(polled[:-3]) == {"job-1"}
    assert "timed out after 10 seconds waiting for jobs job-1 (update listeners[0] (TCP:80));" in result["msg"]
    assert "job-3" not in result["msg"]
    assert "Job job-2 (create listeners[1] (TCP:8080)) failed" in result["msg"]
    assert [(record["action"], record.get("error", {}).get("message")) for record in result["plan"]] == [
        ("update", None), ("create", None), ("create", "job job-2 failed")]


def test_a_job_status_error_in_the_last_look_names_the_job_asked_for(nlb, capsys, monkeypatch):
    # job-1 never ends, so the last look at the deadline asks for job-2, whose status cannot be read
    def get_job_status(request):
        if request["JobId"] == "job-2":
            raise api_error("ResourceNotFound.JobId", "The specified resource of JobId is not found.", 404)
        return {"Status": "Processing", "RequestId": "REQ-JOB"}
    monkeypatch.setattr(nlb, "get_job_status", get_job_status)
    clock = iter(range(0, 10000, 7))
    monkeypatch.setattr(_alicloud.time, "monotonic", lambda: next(clock))
    result = run(capsys, listeners=[tcp(80, cps=5), tcp(8080, server_group_id="sgp-tcp")], wait_timeout=10)
    assert result["failed"] is True and result["changed"] is True
    assert "reading the status of job job-2 (create listeners[1] (TCP:8080)) failed" in result["msg"]
    assert result["error"]["code"] == "ResourceNotFound.JobId"


def test_throttling_is_retried_with_the_same_token(nlb, capsys):
    nlb.failures["create_listener"] = [api_error("Throttling", "Request was denied due to request throttling.")]
    result = run(capsys, listeners=[tcp(8080, server_group_id="sgp-tcp")])
    assert result["changed"] is True
    first, second = [request for operation, request in writes(nlb)]
    assert first["ClientToken"] == second["ClientToken"]


def test_a_busy_listener_is_written_again_after_a_backoff(nlb, capsys):
    nlb.failures["update_listener_attribute"] = [api_error("IncorrectStatus.listener", "The status of listener is incorrect.")] * 2
    result = run(capsys, listeners=[tcp(80, cps=7)])
    assert result["changed"] is True
    assert nlb.operations().count("update_listener_attribute") == 3
    assert "get_listener_attribute" not in nlb.operations()


def test_more_writes_than_the_batch_go_in_batches(nlb, capsys):
    listeners = [tcp(9000 + number, server_group_id="sgp-tcp") for number in range(12)]
    run(capsys, listeners=listeners)
    operations = nlb.operations()
    assert operations[2:] == ["create_listener"] * 10 + ["get_job_status"] * 10 + ["create_listener"] * 2 + ["get_job_status"] * 2 \
        + ["list_listeners"] * 8


def test_without_wait_no_job_is_polled(nlb, capsys):
    result = run(capsys, listeners=[tcp(8080, server_group_id="sgp-tcp")], wait=False)
    assert nlb.operations() == ["list_listeners", "list_listeners", "create_listener"]
    assert result["listeners"][-1]["listener_id"] == "lsn-new@8080"


def test_a_stopped_listener_is_reported_not_started(nlb, capsys):
    nlb.listeners["lsn-demo@80"]["ListenerStatus"] = "Stopped"
    result = run(capsys, listeners=[tcp(80)])
    assert result["changed"] is False
    assert result["plan"][0]["listener_status"] == "Stopped"
    assert "listeners[0] (TCP:80): listener lsn-demo@80 is Stopped; this module does not start it" in json.dumps(result["warnings"])
    assert [operation for operation in nlb.operations() if "start" in operation] == []


def test_a_listener_deleted_since_the_read_counts_as_deleted(nlb, capsys):
    nlb.failures["delete_listener"] = [api_error("ResourceNotFound.listener", "The specified resource lsn-demo@53 is not found.", 404)]
    result = run(capsys, listeners=[{"listener_protocol": "UDP", "listener_port": 53, "state": "absent"}])
    assert result["changed"] is True and "failed" not in result
    assert nlb.operations() == ["list_listeners"] * 2 + ["delete_listener"] + ["list_listeners"] * 2


def test_jobs_outlasting_wait_timeout_say_the_writes_were_accepted(nlb, capsys, monkeypatch):
    nlb.job_statuses = ["Processing"]
    clock = iter(range(0, 10000, 7))
    monkeypatch.setattr(_alicloud.time, "monotonic", lambda: next(clock))
    result = run(capsys, listeners=[tcp(80, cps=5)], wait_timeout=10)
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"].startswith("The service accepted 1 write (update TCP 80 (lsn-demo@80)), but timed out after 10 seconds "
                                    "waiting for jobs job-1 (update listeners[0] (TCP:80))")
    assert [record["action"] for record in result["plan"]] == ["update"] and "error" not in result["plan"][0]
