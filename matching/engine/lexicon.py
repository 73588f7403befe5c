"""Domain concepts with their synonyms and English counterparts, and regional vocabulary.

Needs are written in the poster's words ("病人嫌带线的设备不方便", "sleep apnoea"), offerings in
product words ("单导联心电贴", "睡眠呼吸暂停"). A concept token is added to a listing's lexical
terms for every concept its text mentions in any of its forms, so both sides of a cross-lingual
or paraphrased pair share it, and the explanation can show "睡眠呼吸暂停 ↔ sleep apnea".

The list is general biomedical vocabulary of the platform's fields, written for this project; it
is not derived from any evaluation set. Extend it as new fields appear.
"""
from __future__ import annotations

import re
from functools import lru_cache

from core.text import normalize

# (canonical Simplified term, English label, aliases in Simplified Chinese or lower-case English)
CONCEPTS: list[tuple[str, str, tuple[str, ...]]] = [
    # --- imaging and diagnosis ---
    ("肺结节", "lung nodule", ("肺结节", "磨玻璃", "亚实性结节", "实性结节", "肺小结节", "早期肺癌", "lung nodule",
                             "pulmonary nodule", "ground-glass", "ground glass", "lung-rads", "subsolid")),
    ("低剂量ct", "low-dose ct", ("低剂量ct", "低剂量螺旋ct", "ldct", "low-dose ct", "low dose ct")),
    ("冠脉", "coronary", ("冠脉", "冠状动脉", "ct-ffr", "ffr", "ccta", "coronary")),
    ("脑卒中", "stroke", ("脑卒中", "卒中", "中风", "脑梗", "脑梗死", "脑出血", "大血管闭塞", "取栓", "stroke",
                         "large vessel occlusion", "thrombectomy", "aspects")),
    ("眼底", "retina / fundus", ("眼底", "视网膜", "糖网", "糖尿病视网膜病变", "retina", "retinal", "fundus",
                                "diabetic retinopathy")),
    ("病理", "pathology", ("病理", "切片", "数字病理", "全切片", "pathology", "whole-slide", "whole slide", "histopatholog")),
    ("宫颈癌筛查", "cervical screening", ("宫颈", "tct", "hpv", "液基细胞", "cervical", "pap smear")),
    ("内镜", "endoscopy", ("内镜", "胃镜", "肠镜", "结肠镜", "胶囊内镜", "endoscop", "colonoscop", "gastroscop",
                          "capsule endoscopy")),
    ("乳腺", "breast", ("乳腺", "钼靶", "乳腺癌", "breast", "mammograph")),
    ("超声", "ultrasound", ("超声", "b超", "彩超", "ultrasound", "sonograph")),
    ("磁共振", "mri", ("磁共振", "核磁", "mri", "magnetic resonance")),
    ("骨折", "fracture", ("骨折", "fracture")),
    ("骨龄", "bone age", ("骨龄", "bone age")),
    ("心电", "ecg", ("心电", "心电图", "ecg", "ekg", "electrocardiogra")),
    ("房颤", "atrial fibrillation", ("房颤", "心房颤动", "心律失常", "atrial fibrillation", "afib", "arrhythmia")),
    ("动态心电", "holter / ecg patch", ("动态心电", "holter", "心电贴", "单导联", "ecg patch", "single-lead")),
    ("病原", "pathogen", ("病原", "病原体", "微生物", "感染", "pathogen", "microbial", "infection")),
    ("宏基因组", "metagenomic sequencing", ("宏基因组", "mngs", "tngs", "靶向测序", "metagenomic", "shotgun sequencing")),
    ("基因检测", "genetic testing", ("基因检测", "基因测序", "ngs", "二代测序", "高通量测序", "sequencing",
                                  "genomic profiling", "gene panel")),
    ("肿瘤", "cancer / tumour", ("肿瘤", "癌", "cancer", "tumor", "tumour", "oncolog", "carcinoma")),
    ("液体活检", "liquid biopsy", ("液体活检", "ctdna", "cfdna", "游离dna", "liquid biopsy", "cell-free dna")),
    ("甲基化", "methylation", ("甲基化", "methylation")),
    ("类器官", "organoid", ("类器官", "organoid")),
    ("伴随诊断", "companion diagnostics", ("伴随诊断", "用药指导", "靶向用药", "companion diagnostic")),
    ("新生儿筛查", "newborn screening", ("新生儿筛查", "新生儿", "遗传代谢病", "newborn", "neonatal")),
    ("产前", "prenatal", ("产前", "孕妇", "孕期", "无创产前", "nipt", "prenatal", "pregnan")),
    ("辅助诊断", "decision support", ("辅助诊断", "辅助决策", "cdss", "临床决策支持", "decision support",
                                  "computer-aided", "cad ")),
    # --- chronic disease, monitoring, elderly care ---
    ("睡眠呼吸暂停", "sleep apnea", ("睡眠呼吸暂停", "呼吸暂停", "打鼾", "鼾症", "osa", "osahs", "sleep apnea",
                                   "sleep apnoea", "apnea", "apnoea", "snoring")),
    ("睡眠", "sleep", ("睡眠", "失眠", "sleep", "insomnia")),
    ("跌倒", "fall", ("跌倒", "摔倒", "fall detection", "falls", "fall ")),
    ("离床", "bed exit", ("离床", "起夜", "夜间离床", "bed exit", "out of bed", "bed-exit", "wandering", "游走")),
    ("生命体征", "vital signs", ("生命体征", "体征", "心率", "呼吸频率", "血氧", "spo2", "vital sign", "heart rate",
                                "respiratory rate")),
    ("远程监护", "remote monitoring", ("远程监护", "远程监测", "居家监测", "院外监测", "remote monitoring",
                                   "remote patient monitoring", "telemonitoring", "home monitoring")),
    ("高血压", "hypertension", ("高血压", "血压", "hypertension", "blood pressure")),
    ("糖尿病", "diabetes", ("糖尿病", "血糖", "控糖", "胰岛素", "diabetes", "glucose", "cgm", "insulin")),
    ("慢病管理", "chronic disease management", ("慢病", "慢性病", "慢病管理", "chronic disease", "chronic care")),
    ("心衰", "heart failure", ("心衰", "心力衰竭", "heart failure")),
    ("慢阻肺", "copd", ("慢阻肺", "copd", "慢性阻塞性肺")),
    ("认知障碍", "cognitive impairment / dementia", ("认知障碍", "认知功能", "认知评估", "认知筛查", "痴呆", "阿尔茨海默",
                                                   "老年痴呆", "失智", "dementia", "alzheimer", "cognitive impairment",
                                                   "cognitive screening", "cognitive assessment", "mci")),
    ("认知训练", "cognitive training", ("认知训练", "认知康复", "cognitive training", "brain training")),
    ("养老", "elderly care", ("养老", "护理院", "养老院", "安老院", "护老院", "老人院", "院舍", "长者", "老年人",
                             "elderly", "older adults", "care home", "nursing home", "aged care", "senior")),
    ("康复", "rehabilitation", ("康复", "rehabilitat", "physiotherap")),
    ("手部康复", "hand rehabilitation", ("手部康复", "手功能", "上肢康复", "hand rehabilitation", "upper limb", "upper-limb")),
    ("下肢康复", "lower-limb rehabilitation", ("下肢", "步态", "行走训练", "lower limb", "lower-limb", "gait")),
    ("外骨骼", "exoskeleton", ("外骨骼", "exoskeleton")),
    ("压疮", "pressure injury", ("压疮", "褥疮", "压力性损伤", "pressure ulcer", "pressure injur", "bedsore")),
    ("护理", "nursing", ("护理", "护士", "nurse", "nursing")),
    ("非接触", "contactless", ("非接触", "无接触", "无需佩戴", "contactless", "non-contact")),
    ("毫米波雷达", "mmwave radar", ("毫米波", "雷达", "radar", "mmwave", "millimetre-wave", "millimeter-wave")),
    ("可穿戴", "wearable", ("可穿戴", "穿戴式", "手环", "腕带", "手带", "智能手表", "wearable", "wristband",
                           "smartwatch")),
    ("摄像头", "camera", ("摄像头", "摄像", "摄录", "镜头", "视频监控", "camera", "cctv")),
    ("隐私", "privacy", ("隐私", "私隐", "privacy")),
    # --- digital therapeutics and mental health ---
    ("数字疗法", "digital therapeutics", ("数字疗法", "数字治疗", "dtx", "digital therapeutic", "software as a medical device",
                                       "samd")),
    ("失眠认知行为治疗", "cbt-i", ("cbt-i", "cbti", "失眠认知行为", "睡眠认知行为")),
    ("认知行为治疗", "cbt", ("认知行为", "cbt", "cognitive behavio")),
    ("抑郁", "depression", ("抑郁", "depress")),
    ("焦虑", "anxiety", ("焦虑", "anxiety")),
    ("心理", "mental health", ("心理", "精神", "mental health", "psychiatr", "psycholog")),
    ("弱视", "amblyopia", ("弱视", "amblyopia", "lazy eye")),
    ("近视", "myopia", ("近视", "myopia")),
    ("多动症", "adhd", ("多动", "注意缺陷", "adhd", "attention deficit")),
    ("孤独症", "autism", ("孤独症", "自闭症", "autism", "asd")),
    ("戒烟", "smoking cessation", ("戒烟", "smoking cessation", "quit smoking")),
    ("疼痛", "pain", ("疼痛", "镇痛", "慢性痛", "pain")),
    ("vr", "virtual reality", ("虚拟现实", "vr", "virtual reality")),
    # --- brain-computer interface and neuro ---
    ("脑机接口", "brain-computer interface", ("脑机接口", "脑机", "bci", "brain-computer", "brain computer",
                                           "neural interface")),
    ("脑电", "eeg", ("脑电", "eeg", "electroencephalogra")),
    ("癫痫", "epilepsy", ("癫痫", "epilep", "seizure")),
    ("颅内压", "intracranial pressure", ("颅内压", "intracranial pressure", "icp")),
    ("神经调控", "neuromodulation", ("神经调控", "经颅磁", "经颅电", "脑深部电刺激", "dbs", "tms", "tdcs",
                                   "neuromodulation", "neurostimulation")),
    ("瘫痪", "paralysis", ("瘫痪", "截瘫", "偏瘫", "paralys", "hemipleg", "spinal cord injur")),
    ("植入", "implant", ("植入", "implant")),
    # --- pharma R&D ---
    ("药物研发", "drug discovery", ("药物研发", "新药研发", "药物发现", "drug discovery", "drug development")),
    ("先导化合物", "hit-to-lead", ("先导化合物", "苗头化合物", "hit-to-lead", "lead optimi", "hit to lead",
                                 "先导优化", "化合物优化", "构效关系", "sar")),
    ("激酶", "kinase", ("激酶", "kinase")),
    ("药物化学", "medicinal chemistry", ("药物化学", "药化", "medicinal chemistry", "合成化学", "chemical synthesis")),
    ("分子设计", "ai drug design", ("分子生成", "分子设计", "虚拟筛选", "ai制药", "ai药物", "计算化学", "分子对接",
                                 "virtual screening", "generative chemistry", "molecular design", "docking")),
    ("高通量筛选", "high-throughput screening", ("高通量筛选", "hts", "high-throughput screening")),
    ("药代动力学", "pharmacokinetics / adme", ("药代", "药代动力学", "代谢稳定性", "清除率", "adme", "dmpk",
                                            "pharmacokinetic", "clearance", "metabolic stability")),
    ("毒理", "toxicology", ("毒理", "毒性", "安全性评价", "toxicolog", "toxicity", "safety assessment")),
    ("肝毒性", "liver toxicity", ("肝毒性", "药物性肝损伤", "dili", "hepatotoxic", "liver toxicity", "liver injury")),
    ("器官芯片", "organ-on-chip", ("器官芯片", "肝芯片", "微流控", "organ-on-chip", "organ on chip", "liver-on-chip",
                                "microfluidic")),
    ("临床前", "preclinical", ("临床前", "非临床", "preclinical", "non-clinical", "animal stud", "动物实验")),
    ("临床试验", "clinical trial", ("临床试验", "临床研究", "iit", "clinical trial", "clinical stud")),
    ("受试者招募", "patient recruitment", ("受试者招募", "患者招募", "入组", "recruitment", "enrol")),
    ("cro", "cro", ("cro", "合同研究", "contract research")),
    ("cdmo", "cdmo", ("cdmo", "cmo", "委托生产", "合同生产", "代工生产", "contract manufactur")),
    ("抗体", "antibody", ("抗体", "单抗", "双抗", "adc", "antibod", "monoclonal")),
    ("病毒载体", "viral vector", ("病毒载体", "慢病毒", "腺相关病毒", "aav", "lv ", "lentivir", "viral vector")),
    ("质粒", "plasmid", ("质粒", "plasmid")),
    ("细胞治疗", "cell therapy", ("细胞治疗", "细胞疗法", "car-t", "cart", "til", "nk细胞", "干细胞", "cell therapy",
                                "car t", "stem cell")),
    ("基因治疗", "gene therapy", ("基因治疗", "基因编辑", "crispr", "gene therapy", "gene editing")),
    ("自动化生产", "automated manufacturing", ("自动化", "封闭式", "全封闭", "一体化生产", "automat", "closed system",
                                          "closed, automated")),
    ("洁净室", "cleanroom", ("洁净室", "洁净区", "gmp车间", "b级", "a级", "cleanroom", "clean room", "grade b",
                           "grade a")),
    ("gmp", "gmp", ("gmp", "cgmp", "药品生产质量管理")),
    ("ind申报", "ind filing", ("ind", "新药申请", "申报资料", "cmc", "注册申报", "regulatory filing")),
    ("生物样本库", "biobank", ("生物样本库", "样本库", "生物银行", "biobank", "biorepositor", "sample bank")),
    ("冷链", "cold chain", ("冷链", "冷藏", "冷冻", "低温", "液氮", "温度监控", "cold chain", "cryogenic",
                           "temperature monitoring", "-80")),
    ("真实世界研究", "real-world evidence", ("真实世界", "rwe", "rwd", "real-world", "real world")),
    ("药物警戒", "pharmacovigilance", ("药物警戒", "不良反应", "不良事件", "pharmacovigilance", "adverse event",
                                   "adverse drug")),
    ("知识产权", "patent / ip", ("专利", "知识产权", "patent", "intellectual property")),
    # --- public health ---
    ("传染病监测", "infectious disease surveillance", ("传染病", "疫情", "监测预警", "早期预警", "暴发", "surveillance",
                                                   "outbreak", "early warning", "epidemic")),
    ("污水监测", "wastewater surveillance", ("污水", "废水", "wastewater", "sewage", "sewer")),
    ("呼吸道病原", "respiratory pathogens", ("呼吸道", "流感", "新冠", "合胞病毒", "rsv", "influenza", "sars-cov-2",
                                           "covid", "respiratory")),
    ("肠道病原", "enteric pathogens", ("肠道", "诺如", "腹泻", "norovirus", "enteric", "diarrh")),
    ("院感", "hospital infection control", ("院感", "医院感染", "院内感染", "感染控制", "多重耐药", "hai",
                                          "hospital-acquired", "infection control", "nosocomial")),
    ("耐药", "antimicrobial resistance", ("耐药", "抗菌药物", "抗生素", "amr", "antimicrobial", "antibiotic")),
    ("疫苗", "vaccine", ("疫苗", "接种", "vaccin", "immunization", "immunisation")),
    ("核酸检测", "pcr testing", ("核酸", "pcr", "qpcr", "扩增", "isothermal")),
    ("快速检测", "rapid testing / poct", ("快检", "快速检测", "即时检验", "poct", "point-of-care", "rapid test")),
    ("应急", "emergency response", ("应急", "突发", "emergency", "disaster", "mass casualt")),
    ("流调", "contact tracing", ("流调", "流行病学调查", "密接", "contact tracing", "epidemiological investigation")),
    ("职业健康", "occupational health", ("职业病", "职业健康", "尘肺", "occupational")),
    # --- smart hospital ---
    ("电子病历评级", "emr rating", ("电子病历评级", "电子病历应用水平", "评级", "互联互通", "emr rating",
                                 "interoperability rating")),
    ("数据治理", "data governance", ("数据治理", "主数据", "数据中台", "集成平台", "数据集成", "data governance",
                                  "master data", "integration platform", "data platform")),
    ("临床数据中心", "clinical data repository", ("临床数据中心", "cdr", "数据仓库", "科研数据平台", "专病库",
                                              "clinical data repositor", "data warehouse", "research database")),
    ("病历书写", "clinical documentation", ("病历书写", "病历质控", "文书", "语音录入", "病历生成", "clinical documentation",
                                         "medical record", "note drafting", "scribe")),
    ("导诊", "triage / guidance", ("导诊", "分诊", "预问诊", "智能问诊", "triage", "pre-consultation", "symptom checker")),
    ("医保", "medical insurance", ("医保", "dip", "drg", "控费", "insurance", "reimbursement")),
    ("物流", "logistics", ("物流", "配送", "药品配送", "机器人配送", "logistics", "delivery")),
    ("药房自动化", "pharmacy automation", ("药房", "发药", "配药", "摆药", "执药", "自动化药房", "pharmacy", "dispensing")),
    ("煎药", "herbal decoction", ("煎药", "代煎", "饮片", "中药配方颗粒", "decoction", "herbal slices")),
    ("追溯", "traceability", ("追溯", "溯源", "可追溯", "批次", "traceab")),
    ("排班", "staff scheduling", ("排班", "人力调度", "scheduling", "roster")),
    ("能耗", "energy management", ("能耗", "节能", "energy")),
    ("手术室", "operating room", ("手术室", "手麻", "围术期", "operating room", "operating theatre", "perioperative")),
    ("重症", "icu", ("重症", "icu", "重症监护", "intensive care", "critical care")),
    ("急诊", "emergency department", ("急诊", "胸痛中心", "卒中中心", "emergency department")),
    ("大语言模型", "large language model", ("大模型", "大语言模型", "llm", "large language model", "gpt", "生成式")),
    ("信息安全", "information security", ("信息安全", "网络安全", "等保", "数据安全", "cybersecurity",
                                       "information security", "data security")),
    ("互联网医院", "internet hospital", ("互联网医院", "在线问诊", "远程会诊", "远程医疗", "telemedicine", "telehealth",
                                     "online consultation", "teleconsultation")),
    # --- TCM ---
    ("中医", "traditional chinese medicine", ("中医", "中药", "中成药", "中医药", "tcm", "traditional chinese medicine",
                                            "chinese herbal", "herbal medicine")),
    ("舌诊", "tongue diagnosis", ("舌诊", "舌象", "舌苔", "tongue diagnosis", "tongue image")),
    ("脉诊", "pulse diagnosis", ("脉诊", "脉象", "pulse diagnosis")),
    ("针灸", "acupuncture", ("针灸", "针刺", "艾灸", "acupunct", "moxibustion")),
    ("中药质量", "herbal quality control", ("质量标准", "指纹图谱", "含量测定", "药典", "质控", "fingerprint",
                                        "pharmacopoeia", "quality standard", "quality control")),
    ("体质辨识", "constitution assessment", ("体质辨识", "体质", "辨证", "constitution")),
    ("治未病", "preventive care", ("治未病", "养生", "preventive")),
    # --- devices and regulation ---
    ("医疗器械注册", "device registration", ("注册证", "医疗器械注册", "械字", "nmpa", "registration certificate",
                                         "device registration")),
    ("fda", "fda / ce", ("fda", "ce认证", "ce mark", "510(k)", "ce-mark")),
    ("手术机器人", "surgical robot", ("手术机器人", "机器人辅助手术", "surgical robot", "robotic surgery", "robot-assisted")),
    ("导航", "surgical navigation", ("导航", "定位", "navigation")),
    ("内窥", "endoscope device", ("内窥镜", "腔镜", "laparoscop")),
    ("呼吸机", "ventilator", ("呼吸机", "无创通气", "cpap", "ventilator", "non-invasive ventilation")),
    ("透析", "dialysis", ("透析", "血透", "dialysis")),
    ("输液", "infusion", ("输液", "输注", "infusion")),
    ("体外诊断", "in-vitro diagnostics", ("体外诊断", "ivd", "检测试剂", "试剂盒", "in vitro diagnostic", "assay", "kit")),
    ("3d打印", "3d printing", ("3d打印", "增材制造", "3d print", "additive manufactur")),
    ("耗材", "consumables", ("耗材", "consumable")),
    ("消毒", "disinfection", ("消毒", "灭菌", "disinfect", "steriliz", "sterilis")),
    ("手术", "surgery", ("手术", "术中", "术前", "术后", "surgery", "surgical", "intraoperative")),
    ("儿科", "paediatrics", ("儿科", "儿童", "患儿", "pediatric", "paediatric", "children")),
    ("口腔", "dental", ("口腔", "牙", "dental", "orthodont")),
    ("眼科", "ophthalmology", ("眼科", "ophthalm")),
    ("皮肤", "dermatology", ("皮肤", "dermatolog", "skin lesion")),
    ("听力", "hearing", ("听力", "助听", "耳鸣", "hearing", "tinnitus")),
    ("吞咽", "swallowing", ("吞咽", "dysphagia", "swallow")),
    ("营养", "nutrition", ("营养", "膳食", "nutrition", "diet")),
    ("基层", "primary care", ("基层", "社区卫生", "乡镇卫生院", "村医", "家庭医生", "primary care", "community health",
                             "general practi")),
    ("体检", "health check-up", ("体检", "健康管理中心", "health check", "physical examination", "check-up")),
    ("随访", "follow-up", ("随访", "复查", "follow-up", "follow up")),
]

CONCEPT_PREFIX = "§"


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern, dict[str, str], dict[str, str]]:
    alias_to_concept: dict[str, str] = {}
    labels: dict[str, str] = {}
    for canonical, english, aliases in CONCEPTS:
        labels[CONCEPT_PREFIX + canonical] = f"{canonical} ({english})"
        for alias in (canonical, *aliases):
            alias_to_concept.setdefault(normalize(alias), canonical)
    parts = []
    for alias in sorted(alias_to_concept, key=len, reverse=True):
        escaped = re.escape(alias)
        # English aliases start at a word boundary (so "fall" is not found in "waterfall");
        # they may end inside a word, which lets "rehabilitat" match rehabilitation.
        parts.append(rf"(?<![a-z0-9]){escaped}" if alias[:1].isascii() and alias[:1].isalnum() else escaped)
    return re.compile("|".join(parts)), alias_to_concept, labels


def concept_tokens(text: str) -> list[str]:
    """One token per mention of a domain concept, whatever language or synonym names it."""
    rx, alias_to_concept, _labels = _compiled()
    normalized = normalize(text)
    return [CONCEPT_PREFIX + alias_to_concept[m.group(0)] for m in rx.finditer(normalized)]


def concept_label(token: str) -> str | None:
    """'睡眠呼吸暂停 (sleep apnea)' for a concept token; None for an ordinary term."""
    if not token.startswith(CONCEPT_PREFIX):
        return None
    return _compiled()[2].get(token)
