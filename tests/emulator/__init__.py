# -*- coding: utf-8 -*-
# Copyright (c) multicloud.listeners contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulators of the AWS Global Accelerator and Alibaba Cloud NLB APIs (tests and demo only)."""
