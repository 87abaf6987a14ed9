"""OpenID for Verifiable Presentations 1.0 (Final), the verifier's pure parts.

DCQL queries and matching (`dcql`), the signed request object (`request`), encrypted responses
for `direct_post.jwt` (`jwe`), and VP-JWTs for `jwt_vc_json` (`vp_jwt`). No I/O: keys, clocks and
documents are arguments, as everywhere in `credex.core`.
"""
