"""Administration: the users of the service and their roles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Form, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from service.accounts.users import (
    ADMINISTER,
    ROLES,
    AccountError,
    create_user,
    list_users,
    set_active,
)
from service.web import wenshu
from service.web.auth import current_account, requires
from service.web.kept_forms import restored_fields

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


class NewUserForm(Form):
    """A new user: name, first password, role."""

    class Meta:
        locales = ("zh_CN", "zh")

    username = StringField(
        "用户名", validators=[DataRequired(message="请填写用户名"), Length(max=64)]
    )
    password = PasswordField("初始密码", validators=[DataRequired(message="请填写初始密码")])
    role = SelectField("角色", choices=[SelectChoice(key, title) for key, title in ROLES.items()])


@blueprint.route("/users", methods=["GET", "POST"])
@requires(ADMINISTER)
def users() -> str | Response | tuple[str, int]:
    """List users; create one (a form that outlived its session comes back without its password)."""
    form = NewUserForm(request.form if request.method == "POST" else restored_fields())
    if request.method == "POST" and form.validate():
        try:
            with wenshu().database.session() as session:
                create_user(
                    session,
                    form.username.data or "",
                    form.password.data or "",
                    form.role.data or "",
                )
        except AccountError as error:
            form.username.errors = [str(error)]
        else:
            flash(f"已创建用户 {form.username.data}")
            return redirect(url_for("admin.users"))
    with wenshu().database.session() as session:
        people = list_users(session)
    status = 422 if request.method == "POST" else 200
    return render_template("users.html", form=form, users=people, roles=ROLES), status


@blueprint.post("/users/<id:user_id>/active")
@requires(ADMINISTER)
def toggle(user_id: int) -> Response:
    """Enable or disable a user (an administrator cannot disable himself)."""
    enable = request.form.get("active") == "1"
    if user_id == current_account().id and not enable:
        flash("不能停用自己的账号")
        return redirect(url_for("admin.users"))
    with wenshu().database.session() as session:
        set_active(session, user_id, enable)
    return redirect(url_for("admin.users"))
