"""Administration: the users of the service and their roles, and the bureau's installed seal."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
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
from service.acts.seal_install import installed_seal
from service.archive.seals import InstalledSeal, SealUnusable, readable_name
from service.web import wenshu
from service.web.auth import current_account, now, requires
from service.web.kept_forms import restored_fields

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
# A certificate that ends within this many days is shown with a warning to renew it.
EXPIRY_WARNING_DAYS = 30
INSTALL_COMMAND = "wenshu seal install SEAL.png KEY.p12 --trust-root CA.pem"


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


@blueprint.get("/seal")
@requires(ADMINISTER)
def seal() -> str:
    """Show the installed seal and its certificate, or how to install one."""
    try:
        installed, problem = installed_seal(wenshu()), ""
    except SealUnusable as error:
        installed, problem = None, str(error)
    return render_template(
        "seal.html",
        seal=installed,
        problem=problem,
        expiry=expiry_warning(installed, now()) if installed else "",
        fingerprint=_grouped(installed.summary.sha256) if installed else "",
        trust_root=readable_name(installed.trust_root.subject) if installed else "",
        command=INSTALL_COMMAND,
    )


@blueprint.get("/seal.png")
@requires(ADMINISTER)
def seal_image() -> Response:
    """Return the installed seal's image."""
    try:
        installed = installed_seal(wenshu())
    except SealUnusable:
        abort(404)
    if installed is None:
        abort(404)
    response = Response(installed.png, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response


def expiry_warning(installed: InstalledSeal, moment: dt.datetime) -> str:
    """Return a warning when the certificate has ended or ends within EXPIRY_WARNING_DAYS, else ""."""
    ends = installed.certificate.not_valid_after_utc
    if moment >= ends:
        return (
            f"证书已于 {ends:%Y-%m-%d} 过期，此后签发的文书无法通过签名验证："
            "请向发证机构申请新证书，并重新执行 wenshu seal install"
        )
    left = ends - moment
    if left <= dt.timedelta(days=EXPIRY_WARNING_DAYS):
        days = max(1, left.days + (1 if left.seconds else 0))
        return (
            f"证书将于 {ends:%Y-%m-%d} 到期（还剩 {days} 天）："
            "请尽早向发证机构申请新证书，并重新执行 wenshu seal install"
        )
    return ""


def _grouped(hexadecimal: str) -> str:
    """Return a fingerprint in groups of four, so that it wraps on a narrow screen."""
    return " ".join(hexadecimal[i : i + 4] for i in range(0, len(hexadecimal), 4))
