"""Private scikit-learn helpers entree relies on, imported in one place.

These names are not part of sklearn's public API; if a release moves them, this is
the one module to fix.
"""

from __future__ import annotations

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import _check_sample_weight, _check_y, validate_data

__all__ = [
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_check_sample_weight",
    "_check_y",
    "_fit_context",
    "validate_data",
]
