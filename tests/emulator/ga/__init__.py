# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the AWS Global Accelerator API (JSON 1.1, SigV4); tests and demos only.

    GlobalAcceleratorService(seed=None, deploy_seconds=0.5, credentials=None)

``seed`` defaults to ``seed.json`` beside this package.
"""

from .service import GlobalAcceleratorService

__all__ = ["GlobalAcceleratorService"]
