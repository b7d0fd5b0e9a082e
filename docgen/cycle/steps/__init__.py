"""The steps of the yearly cycle: each checks it comes in order, writes its documents, records its decision.

Every step follows one pattern (see `_common`): take the workspace lock and read the journal, refuse
with a one-line reason if the step is out of order, build the documents in memory from the workspace
(campaign, applicant files, earlier decisions), then write the documents and last the decision file.
A refusal changes nothing. One module per stage of the procedure.
"""

from docgen.cycle.steps._common import Cycle, Signed, StepResult
from docgen.cycle.steps.assessment import assess, failing_reason, revoke
from docgen.cycle.steps.call import Evidence, campaign_deadline, open_year, receive
from docgen.cycle.steps.confirmation import confirm, reissue_plaque
from docgen.cycle.steps.publicity import object_to, publicise, resolve_objection
from docgen.cycle.steps.review import expert, parse_points, preliminary

__all__ = [
    "Cycle",
    "Evidence",
    "Signed",
    "StepResult",
    "assess",
    "campaign_deadline",
    "confirm",
    "expert",
    "failing_reason",
    "object_to",
    "open_year",
    "parse_points",
    "preliminary",
    "publicise",
    "receive",
    "reissue_plaque",
    "resolve_objection",
    "revoke",
]
