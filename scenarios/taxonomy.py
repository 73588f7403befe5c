"""The field taxonomy: the Guangdong 2025 biomedicine segments first, then the wider fields.

(code, Simplified, Traditional, English). Loaded by a data migration; officers may add more in
the admin. Import and the API accept a field by code or by any of its three names.
"""
FIELDS: list[tuple[str, str, str, str]] = [
    ("precision-medicine", "精准诊疗", "精準診療", "Precision diagnosis and treatment"),
    ("smart-imaging", "智能影像", "智能影像", "AI medical imaging"),
    ("digital-therapeutics", "数字疗法", "數字療法", "Digital therapeutics"),
    ("remote-monitoring", "远程监护", "遠程監護", "Remote monitoring"),
    ("drug-rnd", "医药研发", "醫藥研發", "Pharmaceutical R&D"),
    ("public-health-emergency", "公共卫生应急", "公共衛生應急", "Public health emergency"),
    ("smart-hospital", "智慧医院", "智慧醫院", "Smart hospital"),
    ("tcm", "中医药", "中醫藥", "Traditional Chinese medicine"),
    ("medical-devices", "医疗器械", "醫療器械", "Medical devices"),
    ("cell-gene-therapy", "细胞与基因治疗", "細胞與基因治療", "Cell and gene therapy"),
    ("bci", "脑机接口", "腦機接口", "Brain-computer interface"),
]


def taxonomy_load(field_model) -> None:
    """Create or update the fields above (idempotent). Takes the model class so that the data
    migration can pass its historical model and tests the current one."""
    for order, (code, hans, hant, en) in enumerate(FIELDS, start=1):
        field_model.objects.update_or_create(
            code=code, defaults={"name_zh_hans": hans, "name_zh_hant": hant, "name_en": en, "order": order})
