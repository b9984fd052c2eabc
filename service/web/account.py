"""One's own account: changing one's password; and the password forms administrators use too."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import Form, PasswordField, SelectChoice, SelectField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, EqualTo, Length

from service.accounts.people import change_own_password
from service.accounts.users import MIN_PASSWORD, NAME_LENGTH, ROLES, AccountError
from service.web import wenshu
from service.web.auth import current_account

blueprint = Blueprint("account", __name__, url_prefix="/account")
# Declared before the new password's fields, so that a form shows it first (WTForms orders
# fields as they were declared).
CURRENT_PASSWORD = PasswordField(
    _l("当前密码"), validators=[DataRequired(message=_l("请填写当前密码"))]
)


class NewPasswordForm(Form):
    """A new password typed twice, as an administrator resets one."""

    class Meta:
        locales = ("zh_CN", "zh")

    new_password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(message=_l("请填写新密码")),
            Length(min=MIN_PASSWORD, message=_l("密码至少%(n)s个字符", n=MIN_PASSWORD)),
        ],
    )
    confirm_password = PasswordField(
        _l("再次输入新密码"),
        validators=[
            DataRequired(message=_l("请再次输入新密码")),
            EqualTo("new_password", message=_l("两次输入的新密码不一致")),
        ],
    )


class PasswordChangeForm(NewPasswordForm):
    """One's own password: the current one, then the new one twice."""

    current_password = CURRENT_PASSWORD


def full_name_field() -> UnboundField:
    """Return the person's 姓名 field, a new one for each form so that it keeps its place there."""
    return StringField(
        _l("姓名"),
        validators=[Length(max=NAME_LENGTH, message=_l("姓名最长%(n)s个字符", n=NAME_LENGTH))],
    )


def title_field() -> UnboundField:
    """Return the person's 职务 field, a new one for each form so that it keeps its place there."""
    return StringField(
        _l("职务"),
        validators=[Length(max=NAME_LENGTH, message=_l("职务最长%(n)s个字符", n=NAME_LENGTH))],
    )


class PersonForm(Form):
    """A user's name and title as pages and documents show them, and the user's role."""

    class Meta:
        locales = ("zh_CN", "zh")

    full_name = full_name_field()
    title = title_field()
    role = SelectField(
        _l("角色"), choices=[SelectChoice(key, _l(title)) for key, title in ROLES.items()]
    )


PASSWORD_CHANGED = _l("密码已修改")


@blueprint.route("/password", methods=["GET", "POST"])
def password() -> str | Response | tuple[str, int]:
    """Change one's own password: the current one checked, the new one typed twice."""
    form = PasswordChangeForm(request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            with wenshu().database.session() as session:
                change_own_password(
                    session,
                    current_account().id,
                    form.current_password.data or "",
                    form.new_password.data or "",
                )
        except AccountError as error:
            wrong_current = "当前密码" in str(error)
            field = form.current_password if wrong_current else form.new_password
            field.errors = [str(error)]
        else:
            flash(str(PASSWORD_CHANGED))
            return redirect(url_for("account.password"))
    status = 422 if request.method == "POST" else 200
    return render_template("account_password.html", form=form, title=_("修改密码")), status
