"""The bureau's 联系人 and 联系电话 on a notice: whom the party calls to state its case or ask for a hearing."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from wtforms import Field, Form, StringField
from wtforms.validators import ValidationError

from forms.fields import short_text

# A fixed line with its area code (0730-3351234, an extension after 转) or a mobile number.
PHONE = re.compile(r"^(?:0\d{2,3}-?\d{7,8}(?:转\d{1,6})?|1\d{10})$")


def _half_width(value: Any) -> Any:
    """Return text with full-width digits and hyphens made ASCII (０７３０－ → 0730-)."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


class PhoneNumber:
    """Refuses what is not a fixed line with its area code or an 11-digit mobile number."""

    def __call__(self, form: Form, field: Field) -> None:
        if field.data and not PHONE.match(field.data):
            raise ValidationError(
                "联系电话应当是带区号的固定电话（如0730-3351234，分机号写在“转”之后）"
                "或者11位手机号码"
            )


def contact_person() -> StringField:
    """Return the field naming the bureau's officer the party may contact."""
    return short_text("联系人", max_length=20)


def phone_number(label: str = "联系电话", required: bool = True) -> StringField:
    """Return a telephone number (the bureau's, unless labelled otherwise), full-width digits accepted."""
    field = short_text(label, max_length=20, required=required)
    field.kwargs["filters"].append(_half_width)
    field.kwargs["validators"].append(PhoneNumber())
    return field
