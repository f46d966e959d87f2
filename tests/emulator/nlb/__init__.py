# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the Alibaba Cloud Network Load Balancer API, version 2022-04-30.

``NlbService(seed=None, job_seconds=0.5, credentials=None)`` plugs into
``emulator.common.EmulatorServer``.  Modules:

* ``service``  - routing, the operations (reads, UpdateListenerAttribute, CreateListener,
  DeleteListener, StartListener, StopListener), DryRun / ClientToken and the wire format of answers
* ``signing``  - ACS3-HMAC-SHA256 signature and credential checks
* ``params``   - query / form decoding and the flat ``X.N`` list encoding
* ``rules``    - the documented validation rules of UpdateListenerAttribute and CreateListener
* ``store``    - state, asynchronous jobs, idempotency tokens, pagination tokens
* ``errors``   - every error code, message and HTTP status
* ``seed.json`` - the default state
"""

from .service import NlbService

__all__ = ["NlbService"]
