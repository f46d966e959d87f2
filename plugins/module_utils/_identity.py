# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which resource a task names: the one place that decides whether the naming options are usable.

Every module of the collection calls ``identity_problems`` with the options the task was given (as
the task wrote them, after templating, before argument defaults fill in ``None``) before it builds
a client.  An option that names a resource and is given as ``null``, ``""`` or whitespace is
refused, naming the option: a template that rendered to nothing must never widen a lookup (an
empty load balancer ID once listed every listener of the region) or fall back to another option.

The checks that need the service's answer (an ARN whose accelerator is not the named one; a
listener whose protocol or ports are not the ones an absent task gives) are pure functions here
too, called by the modules after their read and before any write.  Nothing here talks to a cloud.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The options that name a resource, per module (the module's name as in plugins/modules/).
IDENTITY_OPTIONS = {
    "ga_listener": ("listener_arn", "accelerator_arn", "accelerator_name"),
    "ga_listener_info": ("listener_arn", "accelerator_arn", "accelerator_name"),
    "ga_accelerator_listeners": ("accelerator_arn", "accelerator_name"),
    "nlb_listener_attribute": ("listener_id", "load_balancer_id", "listener_protocol", "listener_port"),
    "nlb_listener_info": ("listener_id", "load_balancer_id", "listener_protocol", "listener_port"),
    "nlb_load_balancer_listeners": ("load_balancer_id",),
}

ALLOWED = {
    "listener_arn": "a Global Accelerator listener ARN",
    "accelerator_arn": "a Global Accelerator accelerator ARN",
    "accelerator_name": "the name of an existing accelerator",
    "listener_id": "an NLB listener ID (lsn-...)",
    "load_balancer_id": "an NLB load balancer ID (nlb-...)",
    "listener_protocol": "TCP, UDP or TCPSSL",
    "listener_port": "a port from 0 to 65535",
}


def raw_module_args():
    """The options as the task passed them (``None`` for a ``null`` value), without argument defaults.

    ansible-core keeps the task's arguments in ``basic._load_params()``; ``module.params`` cannot tell
    an option set to ``null`` from one left out, because validation fills every missing option with None.
    """
    from ansible.module_utils import basic  # only in a module process; the pure checks below need no Ansible

    return basic._load_params()  # pylint: disable=protected-access


def blank_problem(option, value):
    """The refusal text for an identity option given as null, empty or whitespace, else None."""
    if value is None:
        shown = "null"
    elif isinstance(value, str) and not value.strip():
        shown = repr(value)
    else:
        return None
    return ("%s: %s was given, which names no resource; allowed: %s (leave the option out, or check the variable "
            "that set it)" % (option, shown, ALLOWED.get(option, "a non-empty value")))


def identity_problems(module_name, given):
    """Refusals for the identity options of ``module_name`` that ``given`` (the raw task arguments) sets blank.

    Returns a list of messages, one per option, in the module's option order.
    """
    problems = []
    for option in IDENTITY_OPTIONS[module_name]:
        if option in given:
            problem = blank_problem(option, given[option])
            if problem:
                problems.append(problem)
    return problems


def check_module_identity(module, module_name):
    """Fail ``module`` (AnsibleModule or AnsibleAWSModule) when an identity option is blank; call before any client."""
    problems = identity_problems(module_name, raw_module_args())
    if problems:
        module.fail_json(msg=" ".join(problems))


def accelerator_conflict(listener_arn, listener_accelerator_arn, accelerator_name, named_accelerator_arn):
    """Refusal text when ``listener_arn`` is not a listener of the accelerator ``accelerator_name`` names."""
    if listener_accelerator_arn == named_accelerator_arn:
        return None
    return ("listener_arn %s belongs to accelerator %s, but accelerator_name %r names accelerator %s; allowed: options "
            "that name the same accelerator (give one of them)"
            % (listener_arn, listener_accelerator_arn, accelerator_name, named_accelerator_arn))


def absent_conflict(listener, protocol, port_ranges, describe_ranges):
    """Refusal text when an absent task names a listener by ARN and gives a protocol or ports it does not have.

    ``port_ranges`` is normalized (sorted, ``to_port`` filled in) or None; ``describe_ranges`` formats ranges.
    """
    differs = []
    if protocol is not None and protocol != listener["protocol"]:
        differs.append("protocol %s (the listener's is %s)" % (protocol, listener["protocol"]))
    if port_ranges is not None and port_ranges != listener["port_ranges"]:
        differs.append("port_ranges %s (the listener's are %s)"
                       % (describe_ranges(port_ranges), describe_ranges(listener["port_ranges"])))
    if not differs:
        return None
    return ("listener_arn %s and %s do not name the same listener; nothing was deleted. Allowed with state=absent: "
            "listener_arn alone, or with the protocol and port_ranges the listener has"
            % (listener["listener_arn"], " and ".join(differs)))
