"""Open Badges 2.0 assertions: recognise them and verify them (hosted or signed).

OB 2.0 (https://www.imsglobal.org/spec/ob/v2p0/) predates Verifiable Credentials: a hosted
assertion is trusted because the issuer's server still serves it, a signed one because of a
JWS made with a key the issuer Profile lists. Linked documents come from a `fetch_json`
callable the caller injects, so this package stays pure.
"""

from credex.core.ob2.documents import DocumentUnavailable, FetchJson
from credex.core.ob2.report import Ob2Report
from credex.core.ob2.shape import is_ob2, is_ob2_assertion, parse_datetime
from credex.core.ob2.summary import Ob2Summary, summarize_ob2
from credex.core.ob2.verify import verify_ob2

__all__ = [
    "DocumentUnavailable",
    "FetchJson",
    "Ob2Report",
    "Ob2Summary",
    "is_ob2",
    "is_ob2_assertion",
    "parse_datetime",
    "summarize_ob2",
    "verify_ob2",
]
