"""The back-office questionnaire tests use their own questionnaire (see survey_fixtures)."""

from .survey_fixtures import answered_survey, draft_survey, open_survey  # noqa: F401
from .webhook_fixtures import endpoint, other_admin, other_endpoint, webhook_admin  # noqa: F401
