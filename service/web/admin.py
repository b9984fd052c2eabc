"""Administration: the users of the service and their roles, and the bureau's installed seal."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import Field, Form, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from service.accounts.people import reset_password, update_person
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
from service.database.models import User
from service.foundations.formatting import local_date
from service.web import wenshu
from service.web.account import NewPasswordForm, PersonForm, full_name_field, title_field
from service.web.auth import current_account, now, requires
from service.web.kept_forms import restored_fields
from service.web.localtime import zone

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
# A certificate that ends within this many days is shown with a warning to renew it.
EXPIRY_WARNING_DAYS = 30
INSTALL_COMMAND = "wenshu seal install SEAL.png KEY.p12 --trust-root CA.pem"


class NewUserForm(Form):
    """A new user: login, the person's name and title, first password, role."""

    class Meta:
        locales = ("zh_CN", "zh")

    username = StringField(
        _l("用户名"), validators=[DataRequired(message=_l("请填写用户名")), Length(max=64)]
    )
    full_name = full_name_field()
    title = title_field()
    password = PasswordField(
        _l("初始密码"), validators=[DataRequired(message=_l("请填写初始密码"))]
    )
    role = SelectField(
        _l("角色"), choices=[SelectChoice(key, _l(title)) for key, title in ROLES.items()]
    )


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
                    full_name=form.full_name.data or "",
                    title=form.title.data or "",
                )
        except AccountError as error:
            _field_of(form, str(error)).errors = [str(error)]
        else:
            flash(_("已创建用户 %(name)s", name=form.username.data))
            return redirect(url_for("admin.users"))
    with wenshu().database.session() as session:
        people = list_users(session)
    status = 422 if request.method == "POST" else 200
    return render_template("users.html", form=form, users=people, roles=ROLES), status


def _field_of(form: NewUserForm, message: str) -> Field:
    """Return the field a refusal of a new user is about, by the word it starts with."""
    for start, field in (("姓名", form.full_name), ("职务", form.title), ("密码", form.password)):
        if message.startswith(start):
            return field
    return form.username


@blueprint.post("/users/<id:user_id>/active")
@requires(ADMINISTER)
def toggle(user_id: int) -> Response:
    """Enable or disable a user (an administrator cannot disable himself)."""
    enable = request.form.get("active") == "1"
    if user_id == current_account().id and not enable:
        flash(_("不能停用自己的账号：请由另一位管理员停用"))
        return redirect(url_for("admin.users"))
    with wenshu().database.session() as session:
        set_active(session, user_id, enable)
    return redirect(url_for("admin.users"))


@blueprint.route("/users/<id:user_id>", methods=["GET", "POST"])
@requires(ADMINISTER)
def user(user_id: int) -> str | Response | tuple[str, int]:
    """Show a user; change the person's name, title and role (never one's own role)."""
    with wenshu().database.session() as session:
        person = session.get(User, user_id)
        if person is None:
            abort(404)
        session.expunge(person)
    form = PersonForm(request.form if request.method == "POST" else None, obj=person)
    if request.method == "POST" and form.validate():
        try:
            with wenshu().database.session() as session:
                update_person(
                    session,
                    user_id,
                    form.full_name.data or "",
                    form.title.data or "",
                    form.role.data or "",
                    actor_id=current_account().id,
                )
        except AccountError as error:
            field = form.role if "角色" in str(error) else form.full_name
            field.errors = [str(error)]
        else:
            flash(_("已保存 %(name)s 的姓名、职务和角色", name=person.username))
            return redirect(url_for("admin.user", user_id=user_id))
    status = 422 if request.method == "POST" else 200
    return _user_page(person, form, NewPasswordForm(), status)


@blueprint.post("/users/<id:user_id>/password")
@requires(ADMINISTER)
def user_password(user_id: int) -> Response | tuple[str, int]:
    """Give a user a new password (typed twice); the user's open sessions end."""
    with wenshu().database.session() as session:
        person = session.get(User, user_id)
        if person is None:
            abort(404)
        session.expunge(person)
    form = NewPasswordForm(request.form)
    if user_id == current_account().id:
        # Resetting would end the administrator's own session; his own password is changed,
        # the current one checked, where everyone changes his.
        form.validate()
        form.new_password.errors = [_("自己的密码请在“修改密码”页修改")]
    elif form.validate():
        try:
            with wenshu().database.session() as session:
                reset_password(session, user_id, form.new_password.data or "")
        except AccountError as error:
            form.new_password.errors = [str(error)]
        else:
            flash(_("已重设 %(name)s 的密码，其已登录的会话均已退出", name=person.username))
            return redirect(url_for("admin.user", user_id=user_id))
    return _user_page(person, PersonForm(obj=person), form, 422)


def _user_page(
    person: User, form: PersonForm, password: NewPasswordForm, status: int
) -> tuple[str, int]:
    """Return a user's page: the person form and the password reset form."""
    own = person.id == current_account().id
    page = render_template(
        "user.html", person=person, form=form, password=password, roles=ROLES, own=own
    )
    return page, status


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
        expiry=expiry_warning(installed, now(), zone()) if installed else "",
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


def expiry_warning(installed: InstalledSeal, moment: dt.datetime, zone: str) -> str:
    """Return a warning when the certificate has ended or ends within EXPIRY_WARNING_DAYS, else "".

    The day it ends is the bureau's, in its time zone.
    """
    ends = installed.certificate.not_valid_after_utc
    day = local_date(ends, zone)
    if moment >= ends:
        return _(
            "证书已于 %(day)s 过期，此后签发的文书无法通过签名验证："
            "请向发证机构申请新证书，并重新执行 wenshu seal install",
            day=day.isoformat(),
        )
    left = ends - moment
    if left <= dt.timedelta(days=EXPIRY_WARNING_DAYS):
        days = max(1, left.days + (1 if left.seconds else 0))
        return _(
            "证书将于 %(day)s 到期（还剩 %(n)s 天）："
            "请尽早向发证机构申请新证书，并重新执行 wenshu seal install",
            day=day.isoformat(),
            n=days,
        )
    return ""


def _grouped(hexadecimal: str) -> str:
    """Return a fingerprint in groups of four, so that it wraps on a narrow screen."""
    return " ".join(hexadecimal[i : i + 4] for i in range(0, len(hexadecimal), 4))
