// SPDX-License-Identifier: MIT
#include "gbshim.h"
