# ruff: noqa: E501 - the rules of procedure are prose, one paragraph a line
"""The default channels (LkSG §8: open to own staff, supplier workers, communities and third parties) with version 1
of their rules of procedure in English and Simplified Chinese, drawn from the seed policies: AIKO (anonymous voice
community, designated personnel follow up), Yilian (real-name or anonymous reports on minerals risks, identity kept
strictly confidential, no retaliation), Anker (human-rights and labour commitments).

Loaded by migration 0002 and by `supplyesg load_grievance_channels` (idempotent: existing channels and published
versions are left as they are). Administrators publish new versions in the admin site."""

RULES_EN = """1. Who may report: {audience}. You may report in your own name or anonymously.
2. What you may report: risks or violations of human rights, labour and environmental duties in our own operations and our supply chain (for example discrimination, harassment, invasion of privacy, forced or child labour, health and safety, environmental harm), fraud or bribery by business partners, and risks in the sourcing of minerals.
3. How: through this website or the JSON intake used by our hotline partners. After sending you receive a receipt number. With it you read our answers, add information and files. We cannot recover a lost receipt.
4. Confidentiality: reports are encrypted. Only persons designated to handle this channel read them; they are impartial, not bound by instructions in handling reports, and bound to confidentiality. A name or contact you give is kept apart and shown to a handler only if a second designated person approves a written reason; every viewing is recorded.
5. Time limits: we confirm receipt within 7 days and tell you what we did or plan to do within 3 months of that confirmation.
6. Procedure: we discuss the facts with you where possible, investigate, may propose an amicable settlement, and agree remedies or preventive measures. You may add information at any time.
7. No retaliation: nobody may be disadvantaged or punished for a report made in good faith. Report any retaliation through this channel.
8. Records: closed cases are deleted after their retention period; a record without content shows that they were.
9. We review how well this procedure works at least once a year and after any significant change."""

RULES_ZH = """1. 谁可以举报：{audience}。您可以实名举报，也可以匿名举报。
2. 可以举报什么：在我们自身运营及供应链中侵犯人权、违反劳工和环境义务的风险或行为（例如歧视、骚扰、侵犯隐私、强迫劳动或童工、健康与安全、环境损害），商业伙伴的欺诈或贿赂，以及矿产采购中的风险。
3. 如何举报：通过本网站，或通过我们热线合作方使用的 JSON 接口。提交后您会获得一个回执编号。凭此编号您可以查看我们的答复、补充信息和文件。回执编号遗失后无法找回。
4. 保密：举报内容经过加密。只有被指定处理本渠道的人员可以阅读；他们公正处理、不受指令约束并负有保密义务。您提供的姓名或联系方式单独保存，只有在另一名指定人员批准了书面理由后才会向处理人员显示，每次查看都有记录。
5. 时限：我们在 7 天内确认收到举报，并在确认后 3 个月内告知您已经采取或计划采取的措施。
6. 程序：在可能的情况下我们与您讨论事实，进行调查，可提出友好解决方案，并商定补救或预防措施。您可以随时补充信息。
7. 禁止打击报复：任何人不得因善意举报而受到不利对待或处罚。如遭打击报复，请通过本渠道举报。
8. 记录：已结案件在保存期满后删除；不含内容的删除记录证明已按规定删除。
9. 我们至少每年一次，以及在发生重大变化后，审查本程序的有效性。"""

CHANNELS = [
    ("own-staff", "own_staff", "our own employees, temporary and agency workers", "本公司员工、临时工和派遣工"),
    (
        "supplier-workers",
        "supplier_workers",
        "workers of our suppliers and their sub-suppliers, at any tier",
        "我们的供应商及其下级供应商（任何层级）的工人",
    ),
    (
        "communities",
        "communities",
        "people and communities affected by our operations or supply chain",
        "受我们的运营或供应链影响的个人和社区",
    ),
    (
        "third-parties",
        "third_parties",
        "anyone else, including NGOs, unions, journalists and business partners",
        "任何其他人，包括非政府组织、工会、记者和商业伙伴",
    ),
]


def load_default_channels(channel_model=None, rules_model=None) -> int:
    """Create the missing default channels and their version-1 rules; returns how many channels were created. The
    migration passes its historical models."""
    if channel_model is None:
        from supplyesg.grievances.models import Channel as channel_model
        from supplyesg.grievances.models import RulesOfProcedure as rules_model
    created = 0
    for position, (key, audience, who_en, who_zh) in enumerate(CHANNELS):
        channel, new = channel_model.objects.get_or_create(key=key, defaults={"audience": audience, "position": position})
        created += new
        rules_model.objects.get_or_create(
            channel=channel, version=1, language="en", defaults={"text": RULES_EN.format(audience=who_en)}
        )
        rules_model.objects.get_or_create(
            channel=channel, version=1, language="zh-hans", defaults={"text": RULES_ZH.format(audience=who_zh)}
        )
    return created
