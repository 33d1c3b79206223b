import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from customers.identifiers import normalise_card, normalise_email, normalise_phone

FRENCH_MOBILES = (
    st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"6{n:08d}")
    | st.integers(min_value=0, max_value=9_999_999).map(lambda n: f"78{n:07d}")
    # 0696, 0639... belong to overseas departments, which have their own country codes.
).filter(lambda national: phonenumbers.is_valid_number(phonenumbers.parse(f"+33{national}")))


def _group(digits: str, separator: str) -> str:
    return separator.join(digits[i : i + 2] for i in range(0, len(digits), 2))


@settings(max_examples=200, deadline=None)
@given(FRENCH_MOBILES, st.sampled_from([" ", ".", "-", ""]), st.sampled_from(["0", "+33", "0033", "+33 ", "0033 "]))
def test_every_written_form_of_a_french_mobile_is_one_number(national, separator, prefix):
    written = prefix + (
        _group("0" + national, separator)[1:]
        if prefix == "0"
        else _group(national[0], "") + separator + _group(national[1:], separator)
    )
    assert normalise_phone(written) == f"+33{national}"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_number_or_a_validation_error(text):
    try:
        result = normalise_phone(text)
    except ValidationError:
        return
    assert result is None or phonenumbers.is_valid_number(phonenumbers.parse(result))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_an_address_a_card_or_a_validation_error(text):
    """The look-up filters and the search rely on it: odd input is refused, never a 500."""
    for normalise in (normalise_email, normalise_card):
        try:
            result = normalise(text)
        except ValidationError:
            continue
        assert result is None or (isinstance(result, str) and result == result.strip())


@pytest.mark.parametrize("value", ["Foo@Example.FR ", " foo@example.fr"])
def test_email_is_trimmed_and_lower_cased(value):
    assert normalise_email(value) == "foo@example.fr"


@pytest.mark.parametrize("value", ["nope", "a@", "@b.fr", "a b@c.fr"])
def test_bad_emails(value):
    with pytest.raises(ValidationError):
        normalise_email(value)


def test_cards_ignore_spaces_dashes_and_case():
    assert normalise_card(" omni-0042 17 ") == "OMNI004217"
    with pytest.raises(ValidationError):
        normalise_card("é!")


def test_foreign_numbers_keep_their_country(settings):
    assert normalise_phone("+44 7911 123456") == "+447911123456"
    settings.OMNI_PHONE_REGION = "BE"
    assert normalise_phone("0470 12 34 56") == "+32470123456"


def test_overseas_french_numbers_written_nationally():
    assert normalise_phone("0696 12 34 56") == "+596696123456"
    assert normalise_phone("0692 12 34 56") == "+262692123456"
    with pytest.raises(ValidationError):
        normalise_phone("+33 696 12 34 56")
