"""Inter-coder agreement: pure statistics over coders' rows of values.

No database and no I/O. Reliability data are a sequence of coders' rows, one
value per unit, ``None`` where a coder did not code a unit. Everything is
computed from pattern tables (distinct units with weights), so a million units
cost little more than a hundred. NumPy is imported here: the CLI imports this
package lazily.
"""

from qcode.agreement.bootstrap import DEFAULT_SEED, bootstrap_ci
from qcode.agreement.codesets import (
    code_matrices,
    jaccard_distance,
    masi_distance,
    mean_over_codes,
    pooled_kappa,
    set_alpha,
)
from qcode.agreement.coefficients import (
    agreement_terms,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
    scott_pi,
)
from qcode.agreement.krippendorff import krippendorff_alpha
from qcode.agreement.reliability import ReliabilityData, binary_data, reliability_data
from qcode.agreement.report import (
    AgreementReport,
    CodeAgreement,
    OverallAgreement,
    build_report,
    krippendorff_band,
    landis_koch_band,
)
from qcode.agreement.variance import fleiss_kappa_se0, standard_error

__all__ = [
    "DEFAULT_SEED",
    "AgreementReport",
    "CodeAgreement",
    "OverallAgreement",
    "ReliabilityData",
    "agreement_terms",
    "binary_data",
    "bootstrap_ci",
    "brennan_prediger",
    "build_report",
    "code_matrices",
    "cohen_kappa",
    "conger_kappa",
    "fleiss_kappa",
    "fleiss_kappa_se0",
    "gwet_ac1",
    "jaccard_distance",
    "krippendorff_alpha",
    "krippendorff_band",
    "landis_koch_band",
    "masi_distance",
    "mean_over_codes",
    "percent_agreement",
    "pooled_kappa",
    "reliability_data",
    "scott_pi",
    "set_alpha",
    "standard_error",
]
