"""档案查阅（复制）登记单: who used which records, why, what was copied (seed 四、公共服务事项)."""

from __future__ import annotations

from wtforms import Field, SelectChoice, SelectField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from forms.fields import (
    InstrumentForm,
    RowForm,
    choice,
    date,
    integer,
    picks,
    rows,
    rule_first,
    short_text,
    total_of,
)
from forms.identity import resident_id_problem
from service.foundations.plaintext import quote_back, quote_many

RESIDENT_ID = "居民身份证"
ID_TYPES = (
    RESIDENT_ID,
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "其他有效证件",
)
OTHER = "其他"
PURPOSES = ("工作查考", "学术研究", "编史修志", "个人事务", OTHER)
# The bureau's public services (seed 四、公共服务事项); 档案利用服务 is 馆藏档案资料的查阅、复制.
SERVICE_ITEMS = (
    "爱国主义教育基地",
    "现行文件利用中心",
    "档案从业人员培训",
    "档案利用服务",
    "档案业务咨询服务",
)
DEFAULT_SERVICE_ITEM = "档案利用服务"


class RecordRow(RowForm):
    """One record consulted: its 档号, title, pages, and how many of its pages were copied."""

    reference = short_text("档号", max_length=50)
    title = short_text("题名", max_length=200)
    pages = integer("页数", minimum=1)
    copied_pages = integer("复制页数", minimum=0, required=False)


class AccessRegisterForm(InstrumentForm):
    """Facts of one 档案查阅（复制）登记单."""

    visitor = short_text("查阅人", max_length=30)
    id_type = choice("证件类型", ID_TYPES)
    id_number = short_text("证件号码", max_length=40)
    work_unit = picks(short_text("工作单位", max_length=60, required=False), "units")
    purpose = choice("利用目的", PURPOSES)
    purpose_details = rule_first(
        short_text("利用目的说明", max_length=200, required=False), "check_purpose_details"
    )
    service_item = SelectField(
        "服务事项",
        choices=[SelectChoice(item) for item in SERVICE_ITEMS],
        default=DEFAULT_SERVICE_ITEM,
        validators=[DataRequired(message="请选择服务事项")],
        validate_choice=True,
    )
    records = rows(RecordRow, "查阅档案", max_entries=200)
    copies = total_of(integer("复制页数合计", minimum=0), "records", "copied_pages")
    visit_date = date("查阅日期")
    receiver = short_text("接待人员", max_length=20)

    def validate_id_number(self, field: Field) -> None:
        """A 居民身份证 number must be 18 characters with a valid birth date and check digit."""
        if self.id_type.data != RESIDENT_ID:
            return
        number = field.data.upper()
        problem = resident_id_problem(number)
        if problem:
            raise ValidationError(problem)
        field.data = number  # a check character typed as x is printed as X

    def check_purpose_details(self, field: Field) -> None:
        """A purpose of 其他 must be explained."""
        given = bool(field.raw_data) and str(field.raw_data[0]).strip() != ""
        if self.purpose.data == OTHER and not given:
            # StopValidation: the Optional validator that follows would clear a plain error.
            raise StopValidation("利用目的为“其他”的，请填写利用目的说明")

    def validate_records(self, field: Field) -> None:
        """At least one record is listed, and no record has more pages copied than it has."""
        if not field.data:
            raise ValidationError("请填写查阅的档案（至少1件）")
        for index, row in enumerate(field.data, start=1):
            copied, pages = row["copied_pages"], row["pages"]
            if copied is not None and pages is not None and copied > pages:
                raise ValidationError(
                    f"第{index}项（档号{quote_back(row['reference'])}）复制{copied}页，超过该档案的{pages}页"
                )
        references = [row["reference"] for row in field.data if row["reference"]]
        repeated = sorted({r for r in references if references.count(r) > 1})
        if repeated:
            self.warn(f"档号{quote_many(repeated)}在查阅档案中重复登记，请核对")

    def validate_copies(self, field: Field) -> None:
        """The pages copied, record by record, add up to the total copied."""
        if field.data is None:
            return
        copied = sum(row["copied_pages"] or 0 for row in self.records.data)
        if copied != field.data:
            raise ValidationError(
                f"复制页数合计为{field.data}页，但各件档案的复制页数相加为{copied}页，两者应当相等"
            )
