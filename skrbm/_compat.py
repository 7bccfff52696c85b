"""The private scikit-learn helpers skrbm uses, imported in one place.

scikit-learn does not promise these names from one release to the next; if
a release moves one, this module is the only place to change. They are the
parameter-validation machinery scikit-learn's own estimators use (the
constraint types and the fit context that checks them).
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

__all__ = ["HasMethods", "Interval", "StrOptions", "_fit_context"]
