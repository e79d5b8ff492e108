"""Findings: what is wrong with a CMRT/EMRT/AMRT/CRT file, in English and Simplified Chinese.

Every finding code has one catalogue entry (severity + message templates). Templates use
``str.format`` fields filled from ``params``; unknown fields are left visible rather than raising.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"

# code: (severity, English template, Chinese template)
CATALOGUE: dict[str, tuple[str, str, str]] = {
    # --- the file itself ---
    "file_empty": (ERROR, "The file is empty.", "文件为空。"),
    "file_too_large": (
        ERROR,
        "The file is {size_mb} MB; the limit is {limit_mb} MB. A CMRT/EMRT is normally under 3 MB.",
        "文件大小为 {size_mb} MB，超过 {limit_mb} MB 的上限。CMRT/EMRT 文件通常小于 3 MB。",
    ),
    "file_not_excel": (
        ERROR,
        "The file is not an Excel workbook (.xlsx): ask the supplier for the RMI template in .xlsx format.",
        "该文件不是 Excel 工作簿（.xlsx）：请要求供应商提供 .xlsx 格式的 RMI 模板。",
    ),
    "file_corrupt": (
        ERROR,
        "The workbook is damaged and cannot be read ({detail}): ask the supplier to send it again.",
        "工作簿已损坏，无法读取（{detail}）：请要求供应商重新发送。",
    ),
    "zip_bomb": (
        ERROR,
        "The workbook would expand to {size_mb} MB when opened (limit {limit_mb} MB); it was not read.",
        "该工作簿解压后将达到 {size_mb} MB（上限 {limit_mb} MB），因此未读取。",
    ),
    "sheet_too_large": (
        ERROR,
        "A sheet reaches row {rows} and column {columns}, far beyond any RMI template; it was not read.",
        "某个工作表的范围达到第 {rows} 行、第 {columns} 列，远超任何 RMI 模板，因此未读取。",
    ),
    "file_has_macros": (
        ERROR,
        "The workbook contains macros ({detail}); they are not accepted: ask the supplier to save it as .xlsx.",
        "工作簿包含宏（{detail}），不予接受：请要求供应商另存为 .xlsx 格式。",
    ),
    "file_unreadable_safely": (
        ERROR,
        "The file could not be read safely ({detail}); it was not stored: ask the supplier to send it again.",
        "无法安全读取该文件（{detail}），因此未保存：请要求供应商重新发送。",
    ),
    "file_password_protected": (
        ERROR,
        "The workbook is password protected: ask the supplier for an unprotected copy.",
        "工作簿受密码保护：请要求供应商提供未加密的副本。",
    ),
    "unsupported_file_format": (
        ERROR,
        "Unsupported file format ({detail}): ask the supplier for CMRT 6.5 or EMRT 2.1 as .xlsx.",
        "不支持的文件格式（{detail}）：请要求供应商提供 .xlsx 格式的 CMRT 6.5 或 EMRT 2.1。",
    ),
    "not_a_template": (
        ERROR,
        "This workbook is not an RMI CMRT, EMRT, AMRT or CRT (no Declaration/Smelter List sheets or revision).",
        "该工作簿不是 RMI 的 CMRT、EMRT、AMRT 或 CRT 模板（缺少申报/冶炼厂清单工作表或版本信息）。",
    ),
    "unsupported_template": (
        ERROR,
        'Unsupported template "{detail}": only CMRT 6.x, EMRT 1.x/2.x, AMRT 1.x and CRT 2.x are read.',
        "不支持的模板“{detail}”：仅支持 CMRT 6.x、EMRT 1.x/2.x、AMRT 1.x 和 CRT 2.x。",
    ),
    "unsupported_version": (
        ERROR,
        "Unsupported template version {template} {version}: ask the supplier for {latest}.",
        "不支持的模板版本 {template} {version}：请要求供应商使用 {latest}。",
    ),
    "untested_version": (
        WARNING,
        "{template} {version} has not been verified; it was read with the {layout} layout.",
        "{template} {version} 尚未经过验证；已按 {layout} 的布局读取。",
    ),
    "template_outdated": (
        WARNING,
        "{template} {version} is older than the minimum accepted version {minimum}: ask for {latest}.",
        "{template} {version} 早于可接受的最低版本 {minimum}：请要求供应商使用 {latest}。",
    ),
    # --- company information ---
    "company_field_missing": (
        ERROR,
        "{field} is required.",
        "{field_zh}为必填项。",
    ),
    "email_invalid": (
        ERROR,
        '{field} "{value}" is not an e-mail address (it must contain "@").',
        "{field_zh}“{value}”不是有效的电子邮件地址（必须包含“@”）。",
    ),
    "scope_invalid": (
        ERROR,
        'Declaration scope "{value}" is not one of A. Company, B. Product, C. User defined.',
        "申报范围“{value}”不是 A. 公司、B. 产品、C. 用户自定义 之一。",
    ),
    "scope_description_missing": (
        ERROR,
        "Scope C (user defined) needs a description of the scope.",
        "申报范围为 C（用户自定义）时，必须填写范围描述。",
    ),
    "products_missing": (
        ERROR,
        "Scope B (product) needs at least one product on the Product List sheet.",
        "申报范围为 B（产品）时，产品清单工作表中至少需要填写一个产品。",
    ),
    "effective_date_invalid": (
        ERROR,
        'Effective date "{value}" is not a date (use DD-MMM-YYYY, e.g. 02-May-2024).',
        "生效日期“{value}”不是有效日期（请使用 DD-MMM-YYYY 格式，例如 02-May-2024）。",
    ),
    "effective_date_future": (
        WARNING,
        "Effective date {value} is in the future.",
        "生效日期 {value} 晚于今天。",
    ),
    "effective_date_too_old": (
        WARNING,
        "Effective date {value} is more than {max_days} days old: ask for an updated declaration.",
        "生效日期 {value} 已超过 {max_days} 天：请要求供应商更新申报。",
    ),
    "authorizer_same": (
        ERROR,
        'The authorizer must be named; "{value}" is not allowed.',
        "必须填写授权人姓名，不允许填写“{value}”。",
    ),
    "minerals_not_selected": (
        ERROR,
        "Select at least one mineral/metal in scope (Declaration D12-G13).",
        "请至少选择一种申报范围内的矿产/金属（申报工作表 D12-G13）。",
    ),
    # --- questions ---
    "mineral_other_unnamed": (
        ERROR,
        '"Other [specify below]" is chosen as a mineral but not named in the cell below it.',
        "矿产范围选择了“其他”，但未在其下方的单元格中填写矿产名称。",
    ),
    "answer_missing": (
        ERROR,
        "Question {question}{metal_suffix} must be answered.",
        "必须回答问题 {question}{metal_suffix_zh}。",
    ),
    "answer_invalid": (
        ERROR,
        'Question {question}{metal_suffix}: "{value}" is not an allowed answer ({allowed}).',
        "问题 {question}{metal_suffix_zh}：“{value}”不是允许的答案（{allowed}）。",
    ),
    "policy_url_missing": (
        ERROR,
        "Question B is Yes: give the URL of the sourcing policy in the comment field.",
        "问题 B 回答为“是”：请在注释栏中填写采购政策的网址。",
    ),
    "suppliers_response_low": (
        WARNING,
        'Only "{value}" of relevant suppliers responded for {metal}.',
        "{metal_zh}：仅有“{value}”的相关供应商作出答复。",
    ),
    "smelters_identified_contradiction": (
        WARNING,
        "{metal}: all smelters are declared identified (question {question} = Yes), but {count} row(s) "
        'say "Smelter not yet identified".',
        "{metal_zh}：声明已识别所有冶炼厂（问题 {question} =“是”），但有 {count} 行为“尚未识别冶炼厂”。",
    ),
    # --- smelter list ---
    "smelter_missing_for_metal": (
        ERROR,
        "{metal} is in scope but no smelter is listed for it on the Smelter List.",
        "{metal_zh}在申报范围内，但冶炼厂清单中没有列出任何冶炼厂。",
    ),
    "smelter_not_listed_incomplete": (
        ERROR,
        '"Smelter not listed" needs the smelter name (column D) and country (column E).',
        "选择“未列出冶炼厂”时必须填写冶炼厂名称（D 列）和国家（E 列）。",
    ),
    "smelter_metal_missing": (
        WARNING,
        "The row has smelter data but no metal (column B).",
        "该行填写了冶炼厂信息，但未选择金属（B 列）。",
    ),
    "smelter_metal_invalid": (
        WARNING,
        '"{value}" is not a metal of this template ({allowed}).',
        "“{value}”不是本模板中的金属（{allowed}）。",
    ),
    "smelter_metal_out_of_scope": (
        WARNING,
        "A {metal} smelter is listed, but {metal} is answered No in question 1 or 2.",
        "列出了{metal_zh}冶炼厂，但问题 1 或 2 中{metal_zh}的回答为“否”。",
    ),
    "smelter_cid_unknown": (
        WARNING,
        "Smelter ID {value} is not in the smelter reference list for {metal}.",
        "冶炼厂识别号 {value} 不在{metal_zh}的冶炼厂参考清单中。",
    ),
    "smelter_cid_mismatch": (
        WARNING,
        "Smelter ID in column A ({value}) differs from column F ({other}).",
        "A 列的冶炼厂识别号（{value}）与 F 列（{other}）不一致。",
    ),
    "smelter_duplicate": (
        WARNING,
        "Duplicate smelter row: same {metal} smelter as row {other}.",
        "重复的冶炼厂行：与第 {other} 行的{metal_zh}冶炼厂相同。",
    ),
    "smelter_not_identified": (
        WARNING,
        '"Smelter not yet identified" for {metal}.',
        "{metal_zh}：“尚未识别冶炼厂”。",
    ),
    "smelter_unmatched": (
        WARNING,
        'Smelter "{value}" ({metal}) could not be identified in the reference list.',
        "无法在参考清单中识别冶炼厂“{value}”（{metal_zh}）。",
    ),
    "smelter_not_conformant": (
        WARNING,
        "Smelter {value} ({name}) is not RMAP conformant or active (status: {status}).",
        "冶炼厂 {value}（{name}）不是 RMAP 合规或活跃冶炼厂（状态：{status}）。",
    ),
    "smelter_in_covered_country": (
        WARNING,
        "Smelter {name} is located in a covered country ({value}).",
        "冶炼厂 {name} 位于涵盖国家（{value}）。",
    ),
    "smelter_in_cahra": (
        WARNING,
        "Smelter {name} is located in a conflict-affected or high-risk area ({value}).",
        "冶炼厂 {name} 位于受冲突影响和高风险地区（{value}）。",
    ),
    # --- Mine List (AMRT) ---
    "mine_metal_invalid": (
        ERROR,
        'Mine List row {row}: the metal "{value}" is not one of the minerals in scope ({allowed}).',
        "矿厂清单第 {row} 行：金属“{value}”不在申报的矿产范围内（{allowed}）。",
    ),
    "mine_name_missing": (
        ERROR,
        "Mine List row {row}: the mine name is required{metal_suffix}.",
        "矿厂清单第 {row} 行：必须填写矿厂名称{metal_suffix_zh}。",
    ),
    "mine_country_missing": (
        WARNING,
        "Mine List row {row}: the mine's country is not given{metal_suffix}.",
        "矿厂清单第 {row} 行：未填写矿厂所在国家或地区{metal_suffix_zh}。",
    ),
}

METAL_ZH = {
    "Tantalum": "钽",
    "Tin": "锡",
    "Gold": "金",
    "Tungsten": "钨",
    "Cobalt": "钴",
    "Mica": "云母",
    "Copper": "铜",
    "Graphite": "石墨",
    "Lithium": "锂",
    "Nickel": "镍",
    # AMRT 1.2/1.3 minerals and common additions
    "Aluminum": "铝",
    "Chromium": "铬",
    "Iridium": "铱",
    "Lime": "石灰",
    "Manganese": "锰",
    "Palladium": "钯",
    "Platinum": "铂",
    "Rare Earth Elements": "稀土元素",
    "Rhodium": "铑",
    "Ruthenium": "钌",
    "Silver": "银",
    "Soda Ash": "纯碱",
    "Zinc": "锌",
}


class _Lenient(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(template: str, params: dict[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Lenient(params))


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    message_zh: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    metal: str | None = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def location(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet and self.row:
            return f"{self.sheet}!{self.row}"
        return self.sheet or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "metal": self.metal,
            "message": self.message,
            "message_zh": self.message_zh,
        }


# Files that are never stored, not even as an invalid submission: they carry macros, or reading them was
# stopped by a guard (they would exhaust memory or crash the reader when opened again).
REFUSED_CODES = frozenset(
    {"file_has_macros", "file_unreadable_safely", "zip_bomb", "sheet_too_large", "file_too_large"}
)


def refusal(findings: list[Finding]) -> Finding | None:
    """The finding for which a file must not be stored, if any."""
    return next((f for f in findings if f.code in REFUSED_CODES), None)


def make_finding(
    code: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    metal: str | None = None,
    severity: str | None = None,
    **params: Any,
) -> Finding:
    default_severity, en, zh = CATALOGUE[code]
    values: dict[str, Any] = {"metal": metal or "", "metal_zh": METAL_ZH.get(metal or "", metal or "")}
    values["metal_suffix"] = f" ({metal})" if metal else ""
    values["metal_suffix_zh"] = f"（{values['metal_zh']}）" if metal else ""
    values.update(params)
    if "value" in values and isinstance(values["value"], str) and len(values["value"]) > 80:
        values["value"] = values["value"][:77] + "..."
    return Finding(
        severity=severity or default_severity,
        code=code,
        message=_render(en, values),
        message_zh=_render(zh, values),
        sheet=sheet,
        cell=cell,
        row=row,
        metal=metal,
        params=dict(params),
    )


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
