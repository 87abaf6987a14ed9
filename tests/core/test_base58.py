"""credex's base58 (ten digits per big-integer division) is the Bitcoin base58 of the `base58`
package, byte for byte, including leading zero bytes, the empty input and bad characters."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core import multiformats as mf

zero_prefixed = st.builds(lambda zeros, rest: b"\0" * zeros + rest, st.integers(0, 4), st.binary())


@settings(max_examples=500)
@given(st.one_of(st.binary(max_size=100), zero_prefixed))
def test_encoding_and_decoding_agree_with_the_base58_package(data: bytes) -> None:
    text = mf.b58encode(data)
    assert text == base58.b58encode(data).decode("ascii")
    assert mf.b58decode(text) == data
    assert mf.decode_base58btc("z" + text + "\n") == base58.b58decode(text + "\n")


@settings(max_examples=300)
@given(st.text(alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", max_size=60))
def test_any_base58_text_decodes_as_the_base58_package_decodes_it(text: str) -> None:
    assert mf.b58decode(text) == base58.b58decode(text)


@pytest.mark.parametrize("text", ["0", "O", "I", "l", "é", "1 1", "abc+", "\x00"])
def test_characters_outside_the_alphabet_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"(?i)invalid character|codec"):
        base58.b58decode(text)
    with pytest.raises(ValueError, match=r"invalid character"):
        mf.b58decode(text)
    with pytest.raises(mf.MultiformatError):
        mf.decode_base58btc("z" + text)
