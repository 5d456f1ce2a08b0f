"""Organisation names the catalog does not have, read from the way news writes them: a name
ending in an organisation word (…资本, …科技有限公司, …公安局, …电视台, …医院, … Capital), or
standing where investors, partners and parents stand (由…领投, …参投, 与…签约, …旗下), before
a stock code (…(688256), …(2628)), where a source is credited (据…统计, 来源：…, …记者,
（图／…）, …网发布), as an English government body or university (the Ministry of …, the city
of …), or in a list beside organisations (宇树科技、星海图、Sharpa等). Pure.

What is found is stored as a `discovered` mention: counted across the warehouse and offered
for the catalog (`newsmon catalog suggest --from-warehouse`), never an alert.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence

from tasks.classify.matcher import one_of
from tasks.records import Discovered

# The last word of a Chinese organisation's name, and the kind of organisation it says.
_SUFFIXES = {
    "investor": "资本|資本|創投|创投|基金|资管|資管|产投|產投|国投|國投|投控|资产管理|股权投资|私募|"
                "基金公司|"
                "合伙企业（有限合伙）|合伙企业(有限合伙)|合夥企業（有限合夥）|合夥企業(有限合夥)|"
                "合伙企业|合夥企業",
    "university": "大学|大學|学院|學院|研究院|研究所|研发院|研發院|实验室|實驗室|天文台|分校|"
                  "研究中心|国家重点实验室|國家重點實驗室",
    "company": "股份有限公司|有限责任公司|有限公司|集团|集團|控股|科技|機器人|机器人|半导体|"
               "半導體|微电子|汽车|汽車|智驾|电气|電氣|银行|銀行|证券|證券|保险|保險|"
               # a firm named for its trade (法国航空公司, 中国铁路总公司); 公司 alone is too common
               "总公司|總公司|航空公司|铁路公司|鐵路公司|运输公司|運輸公司|进出口公司|進出口公司|"
               "电力公司|電力公司|石油公司|唱片公司|分公司|分行|"
               "-KY|"  # a Taiwan listing of a firm registered abroad: 環宇-KY
               "新能源|电源|電源|储能|儲能",  # 海得新能源, 昆宇电源, 卓阳储能
    "government": "政府|市政府|区政府|區政府|县政府|縣政府|省政府|人民政府|管委会|管委會|管理委员会|"
                  "管理委員會|"  # a zone's name (…高新区) is a place; its 管委会 governs it
                  # a place's bureaus, courts, police, missions abroad
                  "公安局|公安厅|公安廳|公安分局|派出所|住建局|发改局|發改局|商务局|商務局|教育局|"
                  "工务局|工務局|管理局|运输局|運輸局|投资促进局|投資促進局|农业农村局|農業農村局|"
                  "农牧厅|農牧廳|科技局|工信局|经信局|經信局|市场监管局|市場監管局|生态环境局|生態環境局|"
                  "自然资源局|自然資源局|人社局|卫健局|衛健局|交通局|交管局|农业局|農業局|"
                  "海洋与渔业局|海洋與漁業局|经济和信息化局|經濟和信息化局|"
                  "消防局|消防中队|消防中隊|消防大队|消防大隊|消防支队|消防支隊|"
                  "教体局|金融局|统计局|統計局|财政局|財政局|税务局|稅務局|文物局|气象局|氣象局|"
                  "邮政局|郵政局|证监局|證監局|数据局|數據局|医保局|醫保局|商务厅|商務廳|教育厅|教育廳|"
                  "疾控中心|"
                  "财政厅|財政廳|气象台|氣象台|卫健委|衛健委|发改委|發改委|网信办|網信辦|人民法院|人民检察院|人民檢察院|"
                  "大使馆|大使館|总领馆|總領館|领事馆|領事館|"
                  # a country's chambers, a body for trade, a party's committees
                  "众议院|眾議院|参议院|參議院|下议院|下議院|上议院|上議院|贸促会|貿促會|"
                  "市委|省委|区委|區委|县委|縣委|工委|市委员会|市委員會|省委员会|省委員會|"
                  "区委员会|區委員會|县委员会|縣委員會|"
                  "地方法院|上诉法院|上訴法院|最高法院|联邦法院|聯邦法院|"
                  # a bureau's branch, a zone's offices, committees, councils: 公安局蓬江区分局
                  "分局|招商办|招商辦|办公室|辦公室|委员会|委員會|监察委员会|監察委員會|议会|議會|"
                  "国资委|國資委|管理处|管理處|乡公所|鄉公所|镇公所|鎮公所|区公所|區公所|"
                  "发展和改革委员会|發展和改革委員會|卫生健康委员会|衛生健康委員會",
    "media": "电视台|電視台|卫视|衛視|日报|日報|晚报|晚報|晨报|晨報|早报|早報|商报|商報|周刊|週刊|"
             "月刊|季刊|新闻台|新聞台|融媒体中心|融媒體中心|出版社",
    # hospitals, associations, schools, clubs, rescue teams
    "other": "医院|醫院|协会|協會|学会|學會|商会|商會|联合会|聯合會|基金会|基金會|总工会|總工會|"
             "公会|公會|天文馆|天文館|创新中心|創新中心|产业联盟|產業聯盟|创新联盟|創新聯盟|超算中心|"
             "救援队|救援隊|俱乐部|俱樂部|中学|中學|小学|小學|学校|學校|"
             "博物馆|博物館|博物院|美术馆|美術館|图书馆|圖書館|纪念馆|紀念館|"
             "高级中学|高級中學|实验中学|實驗中學|职业学校|職業學校|"
             "科协|科協|侨联|僑聯|妇联|婦聯|残联|殘聯|农会|農會|文联|文聯|"
             "律师事务所|律師事務所|会计师事务所|會計師事務所",
}
_KIND_OF = {word: kind for kind, words in _SUFFIXES.items() for word in words.split("|")}
_FACILITY = re.compile("(?:智算中心|数据中心|數據中心|算力中心|渲染中心|产业园|產業園|基地|园区|園區|"
                       "项目|項目)$")
_ENDING = re.compile(one_of(_KIND_OF) + "$")
_HAS_UNIVERSITY = re.compile("大学|大學|学院|學院|科学院|科學院|中科院|社科院")
_WEAK = ("科技", "汽车", "汽車", "机器人", "機器人", "半导体", "半導體", "保险", "保險", "产投", "產投",
         "电气", "電氣",  # 电气工程, 电气化
         "中学", "中學", "小学", "小學", "学校", "學校", "学会", "學會",  # 初中学生, 学会了
         "政府",  # 美国政府表示; not 地方政府债务
         "办公室", "辦公室", "委员会", "委員會", "议会", "議會",  # 在办公室里, 议会选举
         "新能源", "电源", "電源", "储能", "儲能",  # 发展新能源, 开关电源
         "股权投资", "公会", "公會")  # 开展股权投资: an activity; 游戏公会
# Legal names, funds and government bodies run longer.
_LONG_NAMES = ("基金", "有限公司", "有限责任公司", "股份有限公司", "管委会", "管委會", "管理委员会",
               "管理委員會", "合伙企业（有限合伙）", "合伙企业(有限合伙)", "合夥企業（有限合夥）",
               "合夥企業(有限合夥)", "合伙企业", "合夥企業", "医院", "醫院", "分局", "分公司", "管理处",
               "管理處", "基金公司", "创新中心", "創新中心", "发展和改革委员会", "發展和改革委員會",
               "卫生健康委员会", "衛生健康委員會", "产业联盟", "產業聯盟", "创新联盟", "創新聯盟",
               "国家重点实验室", "國家重點實驗室", "律师事务所", "律師事務所", "会计师事务所",
               "會計師事務所",
               "协会", "協會")
# Characters and words a name does not run back over: a name starts after them.
_STOP_CHARS = set("的在与與和由将將是为為对對及等了把从從被向其该該这這那于於至以而并並或也都就让讓给給但有"
                  "跟同下外年月轮輪称稱说說示去当當如它已获獲经經据據今近后後前再又还還共到仅僅他她系均却卻兼占佔-－–"
                  "，。、；：！？“”‘’「」『』《》（）()【】[]/／|｜丨 \t\n,.;:!?\"'—…·•*＊")
_STOP_WORDS = ("融资", "融資", "股东", "股東", "投资方", "投資方", "包括", "宣布", "完成", "团队",
               "團隊", "研究", "领域", "領域", "行业", "行業", "旗下", "联合", "聯合",
               "母公司", "子公司", "参与", "參與", "合作", "签约", "簽約", "牵头", "牽頭", "推动",
               "推動", "打造", "实现", "實現", "通过", "通過", "聚焦", "加快", "注重",
               "持续", "持續", "积极", "積極", "加入", "来到", "來到", "走出", "融合", "我们", "我們",
               "我国", "我國", "他们", "他們", "进入", "進入", "高校", "世界", "全国", "全國", "项目",
               "項目", "通往", "扩展", "擴展", "城市级", "国家级", "國家級", "重点", "重點", "没有", "沒有",
               # verbs a name follows ("带动社会资本", "设立引导基金"), never part of one
               "来自", "來自", "形成", "进一步", "進一步", "披露", "象征", "象徵",
               "瞄准", "瞄準", "创立", "創立", "鼓励", "鼓勵", "出手", "连续", "連續", "连结", "連結",
               "最早", "率先", "首次", "再次", "继续", "繼續", "共同", "接住", "其中", "对口", "對口",
               "当地", "當地", "分别", "分別", "筛选", "篩選", "关注", "關注", "添购", "添購", "购置",
               "購置", "担任", "擔任", "成立", "此类", "此類", "这类", "這類", "该类", "該類",
               # a party, not a name: 投资方, 双方, 对方 (湃方科技 and 哲方资本 are names)
               "资方", "資方", "双方", "雙方", "各方", "对方", "對方", "买方", "買方", "卖方", "賣方",
               "甲方", "乙方", "官方", "我方", "一方", "多方", "三方", "参与方", "參與方", "合作方",
               "出资方", "出資方", "需求方", "供应方", "供應方", "收购方", "收購方", "领投方", "領投方",
               "关联方", "關聯方", "手方", "地方", "方舱", "方艙",
               "震动", "震動", "展现出", "展現出", "带动", "帶動", "设立", "設立", "推进",
               "推進", "重视", "重視", "投入", "结合", "結合", "发行", "發行", "收购", "收購", "重塑",
               "深入", "包含", "发挥", "發揮", "押注", "促进", "促進", "加速", "吸引", "引入", "撬动",
               "撬動", "募集", "出资", "出資", "组建", "組建", "购买", "購買", "支付", "带领", "帶領",
               "冒充", "提供", "缓解", "緩解", "损害", "損害", "告诉", "告訴", "标榜", "標榜", "曝光",
               "监管", "監管", "进行", "進行", "筹备", "籌備", "优化", "優化", "懂得", "要求", "牵涉",
               "牽涉", "送往", "住进", "住進", "走进", "走進", "赶到", "趕到", "前往", "转往", "轉往",
               "送到", "就诊", "就診", "移送", "提请", "提請", "接受", "去过", "去過", "提高", "拥有",
               "擁有", "落实", "落實", "当中", "當中", "哪家", "这家", "這家", "那家", "哪所", "这所",
               "這所", "那所", "许多", "許多", "引发", "引發", "依赖", "依賴", "吸纳", "吸納", "布局",
               "觉得", "覺得", "建立", "涵盖", "涵蓋", "肩负", "肩負", "拉动", "拉動",
               "配置", "建议", "建議", "围绕", "圍繞", "位列", "汇聚", "匯聚", "遵守", "现任", "現任",
               "加上", "无论", "無論", "映射", "此次", "本次", "此轮", "此輪", "本轮", "本輪", "广纳",
               "廣納", "同时", "同時", "集结", "集結", "认购", "認購", "引领", "引領", "构建", "構建",
               "提升", "希望", "协助", "協助", "帮助", "幫助", "建置", "今次", "乃至", "采取", "採取",
               "回归", "回歸", "开办", "開辦", "推出", "呼唤", "呼喚", "合资伙伴", "合資夥伴",
               "合作伙伴", "合作夥伴", "拜会", "拜會", "首度", "送上", "这笔", "這筆", "该笔", "該筆",
               "此笔", "此筆", "搭建", "意味着", "意味著", "期盼", "期望", "盼望",
               # whose city: 我市市委
               "我市", "我省", "我区", "我區", "我县", "我縣", "本市", "该市", "該市",
               # words ending in 局, 当 or 格 that no name holds: 行政当局中国委员会
               "当局", "當局", "格局", "结局", "結局",
               # verbs and times before a name: 获得中国唱片公司奖, 后来上海公安博物院成立, 上周基金
               "获得", "獲得", "后来", "後來", "调任", "調任", "经过", "經過", "上周", "上週", "本周",
               "本週", "发布", "發布", "携手", "攜手", "负责", "負責", "遇上", "遇到", "邀请", "邀請",
               "透过", "透過", "面临", "面臨", "深受", "备受", "備受", "受到",
               # what a trend shows of capital, what a fund relies on: 折射出资本, 依托股权投资基金
               "折射", "揭示", "凸显", "凸顯", "彰显", "彰顯", "仰赖", "仰賴", "依靠", "透视", "透視",
               "依托", "依託", "随着", "隨著",
               # a body's level: 审议本级监察委员会, 地方各级
               "审议", "審議", "本级", "本級", "各级", "各級",
               # which of its kind: 首只AIC基金, 这批子基金, 这只母基金, 篩選出五個風投基金
               "首只", "首支", "首隻", "首批", "首个", "首個", "第一个", "第一個", "这批", "這批",
               "该批", "該批", "此批", "本批", "这只", "這隻", "这支", "這支", "该只", "該隻", "选出",
               "選出", "专门", "專門", "专门投资", "專門投資",
               # kinds of firm before a name: 解决方案供应商上海几何伙伴智能驾驶有限公司, HDI龍頭華通
               "供应商", "供應商", "服务商", "服務商", "提供商", "运营商", "運營商", "制造商", "製造商",
               "开发商", "開發商", "厂商", "廠商", "龙头", "龍頭",
               # ways of investing: 开展股权投资, 下场设基金, 采用母子基金模式, 共同发起基金
               "涉足", "开展", "開展", "采用", "採用", "方式", "下场", "下場", "发起", "發起",
               # 发展 as a verb (legal and fund names hold it: 眉山发展集团, 产业发展投资引导基金)
               "要发展", "要發展", "大力发展", "大力發展", "加快发展", "加快發展", "重点发展", "重點發展",
               "积极发展", "積極發展", "着力发展", "著力發展", "鼓励发展", "鼓勵發展", "优先发展",
               "優先發展")
# Stop words (longest first) and characters, spelt backwards, for _name_start.
_STOP_CLASS = "[" + re.escape("".join(sorted(_STOP_CHARS))) + "]"
_STOP_BACKWARDS = re.compile(one_of(w[::-1] for w in _STOP_WORDS) + "|" + _STOP_CLASS)
_STOPPED = re.compile(one_of(_STOP_WORDS) + "|" + _STOP_CLASS)  # read forwards
# Words of names that begin or end in a stop character: 示范区, 经济技术开发区, 东方, 同济.
_NAME_WORDS = frozenset(("示范", "示範", "经济", "經濟", "经开", "經開", "东方", "東方", "南方",
                         "北方", "同济", "同濟", "同方", "方正", "外高", "共享", "成都", "首都", "户外",
                         "戶外", "有色", "中共", "数据", "數據", "协和", "協和", "去哪", "当当", "當當",
                         "当虹", "當虹", "当升", "當升", "当代", "當代", "如祺", "同仁", "万有",
                         "萬有", "有道", "有赞", "有贊", "有限", "厚为", "厚為", "系统", "系統", "前沿",
                         "协同", "協同", "均胜", "均勝", "和平", "都市"))
_LEVELS = frozenset("市省区县區縣")  # of a government
_CITY_INSIDE = re.compile(r"[（(][^\W\d_]{2,4}[）)]$")
_LEGAL_FORM_START = ("股份有限", "有限公司", "有限责任", "有限責任")
# A branch is named after its firm: 捨得企業股份有限公司南科分公司.
_FIRM_BEFORE_BRANCH = re.compile(r"(?:有限公司|有限责任公司|有限責任公司|集团|集團)[^\W\d_]{1,6}$")
_MAX_NAME = 8  # characters before the suffix (18 before a legal name's 有限公司)
# A name with a weak suffix (…科技, …智能) is one when the sentence goes on as after a name.
_AFTER_NAME = re.compile(r"(?:[，、（(]|宣布|发布|發布|完成|获得|獲得|表示|称|稱|与|與|和|及|推出|"
                         r"领投|領投|跟投|参投|參投|成立|创始人|創始人|CEO|董事长|董事長|联合创始人|"
                         r"聯合創始人|旗下|等|"
                         # a body's officers and its part in an event: 中国数学会常务理事, 学会主办
                         r"副?理事长|副?理事長|常务理事|常務理事|副?会长|副?會長|秘书长|秘書長|"
                         r"校长|校長|院长|院長|党委书记|黨委書記|"
                         r"主办|主辦|承办|承辦|协办|協辦|召开|召開|通过|通過|发出|發出|"
                         # a firm's round: 领投了沃时科技的Pre-A轮
                         r"的(?:Pre-?)?(?:[A-E]|天使|种子|種子|战略|戰略)[+＋]*(?:轮|輪))")
# Words a name stands before, suffix or not: an investor's role in a round.
ROLES = ("领投", "領投", "跟投", "参投", "參投", "联合领投", "聯合領投", "独家投资", "獨家投資",
         "创始人", "創始人")
_FOUNDED = ("创始人", "創始人")  # a firm's founder: the name before is a firm's, not an investor's
# Words that name no one, before a role or as all that is left of a name: generic ones, and who
# a founder is (女性创始人), not of what.
_NAMELESS = frozenset(("公司", "中心", "品牌", "平台", "企业", "企業", "团队", "團隊", "项目",
                           "項目", "女性", "华人", "華人", "华裔", "華裔", "青年", "年轻", "年輕",
                           "连续", "連續", "看重", "认可", "認可", "欣赏", "欣賞", "相信", "机构",
                           "機構", "投资机构", "投資機構", "巨头", "巨頭", "大厂", "大廠", "龙头",
                           "龍頭"))
_MAX_ROLE_NAME = 8
_KINDS_OF_BODY = ("机构", "機構", "企业", "企業", "公司")  # VC机构领投, 科創企業創始人
# The last word of an English organisation's name (matched lower-cased, as the text is).
ENGLISH = ("capital", "ventures", "partners", "investment", "investments", "technologies",
           "technology", "robotics", "labs", "holdings", "holding", "semiconductor", "motors",
           "group", "fund", "intelligence", "medical", "materials", "university", "vc", "co",
           "corp", "inc", "ltd", "limited", "electronics", "industries", "partnership",
           # not Management alone: Risk Management, Supply Chain Management
           "wealth management", "asset management", "capital management",
           "investment management", "fund management")
_ENGLISH_INVESTORS = {"capital", "ventures", "partners", "investment", "investments", "fund",
                      "vc", "wealth management", "asset management", "capital management",
                      "investment management", "fund management"}
_ABBREVIATED = {"co", "corp", "inc", "ltd"}  # a name ends with their full stop: Acme Co.
_ABBREVIATION_END = re.compile(r"\.(?:,? ?(?:Ltd|Limited)\b\.?)?")  # Acme Co., Ltd.
_LEGAL_FORM_AFTER = re.compile(r",? (?:Inc|Corp|Co|Ltd)\.(?:,? ?Ltd\.)?|,? (?:Limited|LLC|PLC)\b")
# A name found again with its legal form is the same: Acme Capital, then Acme Capital Co., Ltd.
_LEGAL_FORM_END = re.compile(f"(?:{_LEGAL_FORM_AFTER.pattern})$")
_ENGLISH_KIND = dict.fromkeys(_ENGLISH_INVESTORS, "investor") | {"university": "university"}
# Capitalised words on one line (a headline's last words are no name): not $2.4B.
# A legal name may hold its city in brackets: Union Semiconductor (Hefei) Co.
_ENGLISH_NAME = re.compile(r"(?<![A-Za-z0-9$.])([A-Z][A-Za-z0-9&.\-]*[ \t\xa0]+"
                           r"(?:(?:[A-Z][A-Za-z0-9&.\-]*|\([A-Z][a-z]+\))[ \t\xa0]+){0,6})$")
# The name goes on after its organisation word: China International Capital Corp, Guozhi
# Investment (Shanghai) Private Equity Fund Management.
_NAME_GOES_ON = re.compile(r" (?:\([A-Z][a-z]+\) )?[A-Z]")
# Capitalised words that start a sentence or describe, not name: "In robotics", "Chinese technology".
_ENGLISH_NOT_NAME = {"in", "the", "a", "an", "and", "of", "for", "to", "at", "on", "by", "with",
                     "as", "its", "our", "their", "his", "her", "this", "that", "these", "those",
                     "both", "all", "many", "some", "other", "chinese", "american", "u.s.", "us",
                     "china's", "global", "western", "while", "but", "when", "artificial",
                     "embodied", "business", "general", "machine", "generative", "physical",
                     "corporate", "venture", "strategic", "ai", "humanoid", "state-backed"}
_HEADLINE_WORD = re.compile(r"\b(?:About|Is|Are|Was|Were|Why|How|What|Will|Raises?|Races?|Shapes?|"
                            r"Makes?|Eyes|After|From|Into|Over|Behind|Against|Approves?|Backs?|"
                            r"Launches|Unveils?|Announces?|Buys|Acquires?|Invests?|Wins?)[ \t]+")
# A prefix made only of these is a kind of thing, not a name: 人形机器人, 美元基金, 股份制银行.
_GENERIC = re.compile(r"^(?:AI|创新|創新|联合|聯合|重点|重點|投资|投資|管理|产业|產業|创业|創業|股权|股權|"
                      r"上市公司|常务|常務|"
                      r"专项|專項|转型升级|轉型升級|人工|具身|生成式|通用|自动|自動|智慧|数字|數字|"
                      r"新能源|智能|科技|信息|"
                      r"技术|技術|网络|電子|电子|汽车|能源|中国|中國|全球|国内|國內|海外|上海|北京|"
                      r"深圳|杭州|香港|澳门|澳門|台湾|台灣|国家|國家|"
                      r"人形|双足|雙足|四足|仿生|工业|工業|服务|服務|协作|協作|"
                      r"轮式|輪式|自平衡|家用|陪伴|手术|手術|PE|VC|美元|人民币|人民幣|子|母|引导|引導|"
                      r"国际化|國際化|新一批|传统|傳統|股份制|城商|农商|農商|商业|商業|全民|主流|"
                      r"头部|頭部|大型|小型|中小|民营|民營|外资|外資|本土|国产|國產|网上|網上|"
                      r"金融|存款|养老|養老|保障|偏股型|私募|明星|市委|区委|區委|县委|縣委|省委|共享|经济|"
                      r"經濟|定点|定點|三甲|公立|私立|专科|專科|综合|綜合|附近|当地|當地|行业|行業|"
                      r"应急|應急|上一级|上一級|上级|上級|国资|國資|财团|財團|风投|風投|长线|長線|顶级|頂級|"
                      r"网联|網聯|正规|正規|本地|产学研|產學研|注册|註冊|"
                      r"助力|量化|驾驶|駕駛|配送|大陆|大陸|私营|私營|生命|硬|绿色|綠色|市场|市場|长期|"
                      r"長期|资金|資金|货币|貨幣|纯债|純債|债券|債券|指数|指數|CVC|合办|合辦|未来|未來|"
                      # a fund's holder or tranche: 市属母基金, 第三期基金
                      r"市属|市屬|省属|省屬|区属|區屬|"
                      r"新生|领导|領導|财务|財務|第?[一二三四五六七八九十]期|"
                      r"医疗|醫療|量子|移动|移動|个人|個人|重要|本港|"
                      # kinds of bureau: 交通管理局, 市场监督管理局
                      r"交通|监督|監督|药品|藥品|道路|海事|统筹|統籌|整合|"
                      # kinds of driving: 城区智驾, 高阶智驾
                      r"城区|城區|高阶|高階|城市|高速|辅助|輔助|端到端|全场景|全場景|高端|电动|電動|"
                      r"优质|優質|中标|中標|间接|間接|直接|先进|先進|新|汽車|银行系|銀行系|AIC|新创|新創|电网|電網|"
                      r"正式|非正式|生物|生命|健康|中央企业|中央企業|央企|创投|創投|校友|"
                      r"新一代|新款|全新|新型|阶段|階段|雄厚|清洁|清潔|可再生|绿色|綠色|分布式|工商业|工商業|户用|戶用|"
                      # kinds of bank, fund, capital and field: 虚拟银行, 战略基金, 承诺资本, 宇宙科技
                      r"虚拟|虛擬|战略|戰略|宇宙|承诺|承諾|政策|协同|協同|航天|航太|高水平|"
                      r"大型|光伏|风电|風電|电化学|電化學|氢|氫|聊天|戏曲|戲曲|母子|前沿|探索|专业|專業|"
                      r"南部|北部|东部|東部|西部|中部|发展|發展|政策性|独资|獨資|高质量|高質量|数码|數碼|一众|一眾)+$")
# A country's bureau is no kind of thing: 国家邮政局, 中国文物局; nor the bodies of a city that
# _GENERIC holds: 上海市委; nor a place's body of a trade: 国家信息光电子创新中心.
_NATIONAL = ("国家", "國家", "中国", "中國")
_GOVERNED = (*_NATIONAL, "上海", "北京", "深圳", "杭州")
_GOVERNED_PLACES = (*_GOVERNED, "香港", "澳门", "澳門", "台湾", "台灣")
# A product's model code before a category word: R1機器人, H2机器人, 远征A2人形机器人.
_MODEL_CODE = re.compile(r"(?:^|[^A-Za-z0-9])[A-Za-z]{1,3}\d{1,3}[A-Za-z]?"
                         r"(?:人形|双足|雙足|四足|轮式|輪式|工业|工業|服务|服務|协作|協作)?$")
_HELD_BY = ("政府", "国资委", "國資委")  # 市政府控股的…: held by, not a name
# What follows an organisation word when it ends no name: 控股股东, 控股子公司 (a holder, a unit),
# 资本市场, 资本化 (capital), 证券业 (a trade).
_CAPITAL_AFTER = ("市场", "市場", "运作", "運作", "化", "金", "开支", "開支", "支出", "主义", "主義",
                  "结构", "結構", "投入", "充足", "公积", "公積", "回报", "回報", "根基", "家", "规划",
                  "規劃", "浪潮", "平台")
_TRADE_AFTER = ("业", "業", "化")  # 银行业, 证券业: a trade; 资产证券化
_QUOTE_AFTER = tuple("价價告道送名备備批")  # 厂商报价, 厂商报告: a maker's quote, no paper
# 美国投资, 中国投行, 美国投票: a country's investing, no state investor (国投)
_INVESTING_AFTER = tuple("资資入放向票降行产產保诉訴标標稿递遞送注融身机機影射喂餵毒石")
_FUND_AFTER = ("管理人", "经理", "經理", "份额", "份額", "资源", "資源")  # 基金管理人: a fund's manager
_NO_NAME_AFTER = {"控股": ("股东", "股東", "子公司", "孙公司", "孫公司"), "资本": _CAPITAL_AFTER,
                  "資本": _CAPITAL_AFTER, "基金": _FUND_AFTER, "银行": _TRADE_AFTER, "銀行": _TRADE_AFTER,
                  "证券": _TRADE_AFTER, "證券": _TRADE_AFTER, "保险": _TRADE_AFTER,
                  "保險": _TRADE_AFTER, "商报": _QUOTE_AFTER, "商報": _QUOTE_AFTER,
                  "工委": ("会", "會"), "股权投资": ("试点", "試點"), "国投": _INVESTING_AFTER,
                  "联合会": ("计",), "聯合會": ("計",),  # 联合会计师事务所: an accounting firm
                  "國投": _INVESTING_AFTER, "资管": ("理",), "資管": ("理",)}  # 投资管理: managing
_NUMERAL = "[\\d一二三四五六七八九十百千万几多余两兩数數]"
_MEASURE = "家|支|只|个|個|位|名|批|类|類|所|项|項|倍|间|間|季"
_AFTER_ONE_NUMERAL = ("张|張|档|檔|层|層|大|些|般|少|产|產|款|种|種|台|座|条|條|次|份|件|部|套|"
                      "轮|輪")  # 三大基金, 一些基金, 多款机器人, 多少
_QUANTIFIED = re.compile(r"^(?:多家|一家|两家|兩家|其他|相关|相關|上述|首个|首個|首家|"
                         r"全[港澳台市省区區国國球]首[家个個]|这家|這家|很多|"
                         r"众多|眾多|诸多|諸多|核心|公募|另一|另外|基层|基層|三甲|二甲|企业(?!家)|企業(?!家)|"
                         r"市场化|市場化|成长|成長|全媒体|全媒體|每(?!日)|非(?=人形|上市|公开|公開)|"
                         r"不少|该|該|某|各|知名|当地|當地|最终|最終|做|"
                         r"头部|頭部|"
                         r"社会|社會|耐心|风险|風險|产业|產業|民间|民間|国有|國有|外资|外資|境外|"
                         r"战略|戰略|国家|國家|国内|國內|海外|政府|引导|引導|专利|專利|"
                         # a number: 余 only after one (十余家, while 余杭 is a place); one Chinese
                         # numeral only with its measure word (三家, while 万物创投 is a name)
                         rf"(?:\d{_NUMERAL}*|{_NUMERAL}{{2,}})(?:{_MEASURE})?|"
                         rf"[一二三四五六七八九十百千万几多两兩数數](?:{_MEASURE}|{_AFTER_ONE_NUMERAL}))")
# An amount in a name describes a tranche, not a firm: 1000亿级基金.
_AMOUNT_IN = re.compile(r"[\d十百千]\s*[亿億万萬]")
# An amount before a name describes a tranche, not a firm: "100亿元的设计基金".
_AMOUNT_BEFORE = re.compile(r"[\d.]+\s*[亿億万萬千百]?\s*(元|美元|人民币|人民幣)的$")
# A count inside: 投資114家國內創投, 邀請四位創投.
_COUNT_IN = re.compile(rf"{_NUMERAL}(?:{_MEASURE})")
# A count before a kind of firm: 14 個風投基金 (the name would start at its measure word).
_COUNTED = re.compile(rf"{_NUMERAL}\s*(?:{_MEASURE})$")
# Where news names its source: 据IT桔子统计, 據鉅亨網報導, 来源：集微网. Each pattern is tried
# where its first word is (据 is frequent: 数据, 根据), not at every character.
_SOURCES = {
    # (its date after it is no part of it: 据云岫日报5月4日报道)
    "据": re.compile(r"[“\"「《]?(?P<name>(?:(?!记者|記者|的|\d{1,2}月\d{1,2}日)[^\W_]){2,10})[”\"」》]?"
                    r"(?:\d{1,2}月\d{1,2}日)?(?:的)?(?:不完全)?"
                    r"(?:报道|報導|报導|统计|統計|数据|數據|消息|援引|记者|記者)"),
    "来源": re.compile(r"\s?[:：|｜丨]\s*(?P<name>[^\W_][^\s，。、；：,;:|｜（()）【】]{1,11})"
                      r"(?=[\s，。、；|｜（()）】]|$)"),
    # a photo credit: （图／CFP）, (图片来源：…) is 来源's
    "（图": re.compile(r"[／/:：]\s*(?P<name>[^\W_][^\s）)／/]{1,11})[）)]"),
    # a report quoted by its name: 引述「划重点KeyPoints」消息
    "引述": re.compile(r"[“\"「《](?P<name>[^”\"」》\n]{2,16})[”\"」》](?:的)?"
                      r"(?:报道|報導|消息|数据|數據|统计|統計)"),
    # a medium's own story: 【亿邦原创】
    "【": re.compile(r"(?P<name>[^\W_]{2,10}?)(?:原创|原創|独家|獨家|快讯|快訊)】"),
    # a byline that opens a line: 文 | 云岫观察 (a person's name, two or three characters, is
    # no medium)
    "文 |": re.compile(r"\s*(?P<name>[^\W_][^\s，。、；：,;:|｜丨（()）]{3,11})"
                      r"(?=[\s，。、；|｜丨（()）,]|$)"),
}
_BYLINES = ("文 |", "文|", "文 丨", "文丨", "文 ｜", "文｜", "文/", "文／")
_SOURCES |= {"據": _SOURCES["据"], "來源": _SOURCES["来源"], "(图": _SOURCES["（图"],
             "（圖": _SOURCES["（图"], "(圖": _SOURCES["（图"], "援引": _SOURCES["引述"],
             **dict.fromkeys(_BYLINES, _SOURCES["文 |"])}
# A firm's name in quotes after the kind of firm it is: 初创企业“安努智能”宣布完成融资.
_QUOTED_NAME = re.compile(r"(?:企业|企業|公司|创企|創企|品牌)[“「\"](?P<name>[^”」\"\s，。]{2,12})[”」\"]"
                          r"(?=宣布|完成|获|獲|表示|发布|發布|推出|正式|近日|日前|已|[，、,])")
# What a quoted phrase after a kind of firm is when it names a contest, not a firm: 科技公司"军备竞赛".
_QUOTED_PHRASE = re.compile(r"(?:竞赛|競賽|大战|大戰|战争|戰爭|热潮|熱潮|革命|模式|时代|時代|竞争|競爭)$")
# A site that publishes: 珠海网3月12日发布, 全球汽贸网资讯 (互联网 and 电网 are no sites).
_SITE = re.compile(r"(?:网|網)(?=发布|發布|消息|讯|訊|资讯|資訊|报道|報導|获悉|獲悉|记者|記者|"
                   r"\d{1,2}月)")
_NO_SITE = re.compile(r"(?:互联|互聯|物联|物聯|电|電|官|联|聯|上|局域|因特|天|光|卫星|衛星|骨干|"
                      r"骨幹|城域|广域|廣域|内|內|外|全|有线|有線|无线|無線)$")
_NOT_AFTER = set("数數证證占佔票收单單论論根")  # 数据, 证据, 占据, 根据 …: not "according to"
# The run of name characters since the last punctuation, before a word that follows a source's
# name: a desk before 记者 (（云岫日报记者 王一）), an account before its WeChat id
# (机器人前瞻（公众号：…）, 直面AI(ID:…)).
_RUN_BEFORE = re.compile(r"(?:^|[\s，。、；：:,（(“”「」]|据|據)(?![据據])([^\W_]{2,10}?)"
                         r"(?:首席|特约|特約|见习|見習|小)?$")
_AFTER_SOURCE = ("记者", "記者", "（公众号", "(公众号", "（公眾號", "(公眾號", "（微信公众号",
                 "(微信公众号", "（ID:", "(ID:", "（ID：", "(ID：")
# Every word above, found in one scan of the text.
_SOURCE_WORDS = re.compile(one_of([*_SOURCES, *_AFTER_SOURCE]))
# A listed company before its stock code: 万通发展(600246), 地平线(09660.HK), 台积电（2330）.
# Codes of indexes and funds (88…, 15…, 51…) are not companies; four digits that could be a
# year are a code only in a list of them (华兴(1911)、中金(3908)).
_TICKER = re.compile(r"[（(](?:(?:60|68|00|30)\d{4}(?:\.(?:SH|SZ))?|\d{4,5}\.HK|"
                     r"(?!19\d\d|20\d\d)\d{4}|\d{4}(?=[）)]、))[）)]")
_NOT_SOURCE = re.compile(r"(?:不完全|不|了解|悉|介绍|介紹|称|稱|说|說|该|該|此|其|相关|相關|有关|"
                         r"有關|业内|業內|知情|媒体|媒體|外媒|官方|公开|公開|初步|测算|測算|估计|估計|"
                         r"预测|預測|预计|預計|本报|本報|本刊|本台|本网|本網|新华社|记者|記者|多家|"
                         r"多位|公司|企业|企業|网友|網友|报道|報導|市场|市場|行业|行業|机构|機構|统计|"
                         r"統計|数据|數據|财报|財報|公告|调查|調查|研究|分析|他|她|我|自己|"
                         r"招股|年报|年報)")  # 据他自己统计, 来源：招股书
_NO_NAME = re.compile(r"\d{4}")  # a code or a date, not a source's name
# Words no source's name holds: 这个词最早来自法国女(记者), 担任(记者角色).
_NOT_IN_SOURCE = re.compile("来自|來自|担任|擔任|成为|成為|作为|作為|这个|這個|那个|那個|我们|我們|"
                            "两路|兩路")
# A source that is no name: 台媒, 港媒; 交管部门, 龙湖方面, 业内人士.
_NO_SOURCE_NAME = re.compile(r"[^\W_]{1,2}媒|(?:网络|網絡|互联网|互聯網|网上|網上).*|"
                             r"供应链|供應鏈|产业链|產業鏈|"
                             r".*(?:部门|部門|方面|人士|人员|人員|官员|官員|负责人|負責人|"
                             r"资料库|資料庫|数据库|數據庫|先生|女士|小姐)|(?:网站|網站).*")  # …資料庫: data
# Said to a source's reporter (温先生告诉南都记者, 负责人向记者表示): the name follows the verb.
_TOLD = re.compile(r".*(?:告诉|告訴|向|对|對|接受)")
# Words of time after a source's name (据港媒刚刚消息, 据新流财经此前报道): not part of it.
# Nor its account or what it did: 活報告公眾號, (圖／氣象署提供), 据云岫科技披露的数据.
_WHEN_AFTER = re.compile(r"(?:刚刚|剛剛|此前|日前|近日|早前|最新|昨日|今日|昨天|今天"
                         r"|(?:微信)?(?:公众号|公眾號)|提供|披露|公布|發布|发布)$")
_SITE_OF = ("官网", "官網", "官微")
_INNER_KIND = re.compile(r"资本|資本|基金|创投|創投|公司")
# English government bodies and universities: the Ministry of Industry and Information
# Technology, the Lunaria government, the University of Science and Technology of China.
# "… and the Ministry of …" starts another body.
_ANOTHER_BODY = r"and the (?:Ministry|Department|Bureau|Commission|Administration)\b"
_OF_WORDS = (rf"(?: (?!{_ANOTHER_BODY})(?:and|the|for|of|[A-Z][A-Za-z]+))*? [A-Z][A-Za-z]+"
             rf"(?= (?!and\b|the\b|for\b|of\b)[^A-Z]| {_ANOTHER_BODY}|[^\w ]|$)")
_ENGLISH_BODIES = (
    # not a regulation's title: Measures for the Administration of …
    ("government", re.compile(r"(?<!for the )(?<!on the )"
                              r"\b(?:Ministry|Department|Bureau|Commission|Administration) of"
                              + _OF_WORDS)),
    ("government", re.compile(r"\b(?:[A-Z][a-z]+(?: [A-Z][a-z]+)?|U\.S\.|US|UK) "
                              r"(?:municipal |city |provincial )?government\b"
                              # a kind of thing the government has: government funds
                              r"(?! (?:funds?|bonds?|debt|subsidies|support|spending|polic(?:y|ies)|"
                              r"guidance funds?|-backed))")),
    # the government of Hangzhou; the city of Chengdu as a party (with the city of …), not as
    # a place (in the southern city of …)
    ("government", re.compile(r"\b(?:[Gg]overnment|(?:(?<=with the )|(?<=by the )|(?<=and the )"
                              r"|(?<=^The )|(?<=\. The ))(?:[Cc]ity|[Mm]unicipality)) of [A-Z][a-z]+\b")),
    ("university", re.compile(r"\b(?:[A-Z][a-z]+ )?(?:University|Institute|Academy) of"
                              + _OF_WORDS)),
)
_MIN_LENGTH = 2
# A list of names, where two of them are organisations already found, names organisations
# throughout: 宇树科技、星海图、自变量、Sharpa等; DeepCloud AI, Sainade, and Langyi Robotics. What
# stands between two items (a comma only in English, where it stands before a capital) ...
_ITEM_SEPARATOR = re.compile(r"、|[/／]|以及|和|与|與|及|,\s(?:and\s)?(?=[A-Z])|\sand\s(?=[A-Z])")
# ... an item in Chinese, which ends where the next starts or the list does (…等, punctuation)
_ITEM = re.compile(r"(?:(?!、|等)[^\W_]){2,20}(?=、|等|\W|$)")
_JOINT = re.compile(r"以及|和|与|與|及")
# ... an item in English: capitalised words, up to the next comma, "and" or lower-case word
_LATIN = r"[A-Za-z0-9\u00c0-\u024f&.'\-]"  # a word of an English name: no CJK glued on (Magna正與)
_ENGLISH_ITEM = re.compile(rf"[A-Z]{_LATIN}*(?: [A-Z]{_LATIN}*){{0,3}}"
                           r"(?=,|\s[a-z]|[^A-Za-z0-9\u00c0-\u024f\s]|$)")
_COMMA_BEFORE = re.compile(r",\s(?:and\s)?$|\sand\s$")
_ENGLISH_ITEM_BEFORE = re.compile(rf"(?:[A-Z]{_LATIN}* ){{0,3}}[A-Z]{_LATIN}*$")
# A catalog name's legal form after its comma is no item: Zbit Semiconductor, Inc., …
_LEGAL_ITEM = re.compile(r"(?:Inc|Co|Corp|Ltd|Limited|LLC|PLC)\b")
# A list item holding one of these is a phrase, not a name: A完成融资, B的团队; the clause words
# end a list even before a separator (和航天嘉诚分别是…、).
_CLAUSE_WORDS = "[的在是为為将將对對把被从從向了均都也]"
_CLAUSE_IN_ITEM = re.compile(_CLAUSE_WORDS + "|分别|分別")
_NOT_IN_ITEM = re.compile(one_of(_STOP_WORDS) + "|" + _CLAUSE_WORDS)
_RUN = re.compile(r"[^\W_]{2,20}$")
_HOSTED = ("合办", "合辦", "主办", "主辦", "协办", "協辦", "承办", "承辦")  # 与云岫集团合办、…
_GLUED_WORD = re.compile(r"([A-Za-z][A-Za-z0-9.&\-]+)[^\W\dA-Za-z_]")  # English, then one CJK character
# Items that are no organisations: a person with a title (安徽某大学陆某教授), a country.
_TITLES = (r"教授|研究员|研究員|院士|博士|先生|女士|主任|校长|校長|院长|院長|总裁|總裁|董事长|董事長|"
           r"总经理|總經理|执行长|執行長|创始人|創始人|創辦人|合伙人|合夥人|老师|老師|"
           # officials: 襄阳市副市长张某
           r"副?市长|副?市長|副?省长|副?省長|副?区长|副?區長|副?县长|副?縣長|副?局长|副?局長|"
           r"副?部长|副?部長|副?秘书长|副?秘書長|副?书记|副?書記")
COUNTRIES = (r"中国|中國|美国|美國|英国|英國|日本|韩国|韓國|德国|德國|法国|法國|意大利|澳大利亚|"
             r"澳大利亞|加拿大|印度|俄罗斯|俄羅斯|新加坡|欧洲|歐洲|亚洲|亞洲|非洲|香港|台湾|台灣|"
             r"澳门|澳門")
# Places an English list names beside its organisations: "in China, Baidu, Pony.ai and …".
_PLACES = frozenset(("China", "United States", "US", "U.S.", "America", "Japan", "Korea",
                     "South Korea", "Taiwan", "Hong Kong", "Macau", "Singapore", "India", "Europe",
                     "Germany", "France", "Britain", "UK", "Beijing", "Shanghai", "Shenzhen"))
_NOT_ORGANISATION = re.compile(rf".*(?:{_TITLES})|(?:{COUNTRIES}|(?:[^\W\d_]{{1,4}}(?:省|市|县|縣|区|區)))")
# A country's government is one whatever follows (美国政府的关税); 政府 after other words only
# where the sentence goes on as after a name (工党政府表示), not 地方政府债务.
_COUNTRY_GOVERNMENT = re.compile(rf"(?:{COUNTRIES})(?:特区|特區)?(?:联邦|聯邦)?$")
# A title inside an item, a person's name after it: the organisation is the part before
# (微星董事長徐祥: 微星), and there is none when the title starts the item (總經理林建勳).
_TITLE = re.compile(_TITLES)
# A firm's chiefs after its name in a list: 宏碁董事長陳某、…, 緯創董事長林某與總經理林某、…
_CHIEFS = re.compile(rf"(?:(?:{_TITLES})[^\W\d_]{{1,3}}(?:[与與和及](?={_TITLES}))?)+")
_TITLE_FIRST = frozenset(word[0] for word in _TITLES.split("|"))  # a cheap look before _CHIEFS
_REMARK = re.compile(r"[（(][^（()）\n]{1,12}[）)]")
_REMARK_BEFORE = re.compile(r"[（(][^（()）\n]{1,12}[）)]$")
# People among a round's investors: 洪泰智造及天使投资人费某 (the item ends before 及)
_PEOPLE = ("天使投资人", "天使投資人", "个人投资者", "個人投資者", "自然人")
_PERSON_AFTER = re.compile(r"[（(](?:个人|個人)[）)]")  # 王某(个人): a person among investors
# A sentence's first word is a list's first item only as a name of two words or more: not
# "Additionally, China Construction Bank and …".
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)$")
_MAX_ITEMS = 16
# Examples a kind of firm introduces, ended by 等: 新兴玩家如傲酷、苏州毫米波、安智杰等.
EXAMPLE_HEADS = tuple(kind + comma + word
                      for kind in ("企业", "企業", "公司", "玩家", "厂商", "廠商", "车企", "車企", "品牌",
                                   "机构", "機構", "独角兽", "獨角獸", "新势力", "新勢力", "创企", "創企",
                                   "大厂", "大廠")
                      for comma in ("", "，", ",")
                      for word in ("如", "例如", "比如", "包括", "包含", "像"))
# A kind of maker or provider, then the firm's name (and a list or a clause goes on): 财税解决方案
# 提供商慧算賬、污水處理服務提供商… (a property 开发商 is too often the subject of a verb)
MAKERS = ("提供商", "供应商", "供應商", "服务商", "服務商", "制造商", "製造商", "运营商", "運營商")
_MADE_BY = re.compile(r"(?:(?!以及|等)[^\W\d_]){3,10}(?=[、，,。；;]|以及|等)")
_EXAMPLE = re.compile(r"(?:(?!、|等|和|与|與|及)[^\W_]){2,12}(?=[、/／和与與及]|等)")
_EXAMPLE_SEPARATOR = re.compile(r"[、/／]|和|与|與|及")
# What may stand right after and right before an item of a list.
_LIST_NEXT = frozenset("、/／和与與及以,（(")
_LIST_BEFORE = frozenset("、/／ 和与與及")


SUFFIXES = tuple(_KIND_OF)
# The classifier finds all of these with its other phrases, in its one scan of the text.
PHRASES = (*((w, "suffix") for w in SUFFIXES), *((w, "role") for w in ROLES),
           *((w, "english") for w in ENGLISH), *((w, "examples") for w in EXAMPLE_HEADS),
           *((w, "maker") for w in MAKERS))


def discover(text: str, hits: Iterable[tuple[int, int, str]],
             known: Iterable[tuple[int, int]] = (),
             named: Sequence[tuple[int, int, str]] = ()) -> list[Discovered]:
    """Names in `text` that look like organisations and do not overlap `known` spans (the
    catalog's mentions), each once, in order of first appearance. `hits` are where the words
    of `PHRASES` occur: (start, end, what they are); `named` are the organisations among the
    known spans (not products), with their kinds."""
    taken = sorted(known)
    found: dict[str, Discovered] = {}

    def add(start: int, end: int, kind: str, pattern: str, suffix: str = "") -> None:
        name = text[start:end].strip()
        prefix = name[:len(name) - len(suffix)]
        # A kind of firm before the name: 产业资本金鼎资本, 国际化基金毅峰资本.
        inner = _INNER_KIND.search(prefix)
        if inner and (not inner.start() or _GENERIC.match(prefix[:inner.start()])
                      or _QUANTIFIED.fullmatch(prefix[:inner.start()])):
            start, name, prefix = (start + inner.end(), name[inner.end():],
                                   prefix[inner.end():])
        if (len(name) >= _MIN_LENGTH and prefix and name not in found
                and name not in _NAMELESS  # 創投機構: a kind of firm, once its kind is cut
                and not name.startswith(_LEGAL_FORM_START)  # 股份有限公司深圳分公司: a part
                and _LEGAL_FORM_END.sub("", name) not in found and not _overlaps(taken, start, end)
                and not ((_QUANTIFIED.match(prefix) or _GENERIC.match(prefix))
                         and not (kind == "government" and prefix.removesuffix("市") in _GOVERNED)
                         # a place's body of a trade: 香港人工智能协会, 中国智慧城市产业联盟
                         and not (kind == "other" and prefix.startswith(_GOVERNED_PLACES)
                                  and len(prefix) >= 6))
                and not (kind == "company" and _MODEL_CODE.search(prefix))
                and not _AMOUNT_IN.search(prefix) and not _COUNT_IN.search(prefix)
                and not _AMOUNT_BEFORE.search(text, max(0, start - 12), start)
                and not _COUNTED.search(text, max(0, start - 4), start + 1)):
            found[name] = Discovered(name, start, end, kind, pattern)

    sources = []  # (start, end, whether a verb of telling may stand inside)
    for word in _SOURCE_WORDS.finditer(text):
        at = word.start()
        if (pattern := _SOURCES.get(word.group())) is not None:
            if (at == 0 or text[at - 1] not in _NOT_AFTER) and (
                    at == 0 or text[at - 1] == "\n" or word.group() not in _BYLINES) and (
                    source := pattern.match(text, word.end())):
                # after 来源： or 图／ the name is all there is: 面对面 is no "told to"
                sources.append((*source.span("name"), pattern is _SOURCES["据"]))
        elif not text.startswith(("会", "會"), word.end()) and (  # 記者會: a press conference
                run := _RUN_BEFORE.search(text, max(0, at - 14), at)):
            sources.append((*run.span(1), True))
    for start, end, told_to in sources:
        if told_to and (told := _TOLD.match(text, start, end)):
            start = told.end()
        if when := _WHEN_AFTER.search(text, start, end):
            end = when.start()
        if text.endswith(_SITE_OF, start, end):  # (圖/海生館官網): the body whose site it is
            end -= 2
        if (end - start >= 2 and not _NOT_SOURCE.match(text, start)
                and not _NO_NAME.search(text, start, end)
                and not _NOT_IN_SOURCE.search(text, start, end)
                and not _NO_SOURCE_NAME.fullmatch(text, start, end)):
            # a source is media unless its name says otherwise: 据北辰大学统计, (图/…市政府)
            ending = _ENDING.search(text, start, end)
            add(start, end, _KIND_OF[ending.group()] if ending else "media", "source")
    if "“" in text or "「" in text or '"' in text:
        for quoted in _QUOTED_NAME.finditer(text):
            if not _QUOTED_PHRASE.search(quoted.group("name")):
                add(*quoted.span("name"), "company", "quoted")
    if "网" in text or "網" in text:
        for site in _SITE.finditer(text):
            start = _name_start(text, site.start(), _MAX_NAME)
            if site.start() - start >= 2 and not _NO_SITE.search(text, start, site.start()):
                add(start, site.end(), "media", "source")
    if "(" in text or "（" in text:
        for ticker in _TICKER.finditer(text):
            start = _name_start(text, ticker.start(), _MAX_NAME)
            if ticker.start() - start >= 2:
                add(start, ticker.start(), "company", "ticker")
    if "of" in text or "government" in text:
        for body_kind, pattern in _ENGLISH_BODIES:
            for body in pattern.finditer(text):
                first, _, rest = body.group().partition(" ")
                if first.lower() not in _ENGLISH_NOT_NAME or first in ("US", "U.S."):
                    add(body.start(), body.end(), body_kind, "english")
                elif " " in rest and rest.split()[0].lower() not in _ENGLISH_NOT_NAME:
                    # "The Lunaria government": the name starts after "The"
                    add(body.end() - len(rest), body.end(), body_kind, "english")

    longest: dict[int, int] = {}  # end -> the earliest start of a suffix ending there
    heads: list[tuple[int, str]] = []  # where lists of examples start, and their kind
    followed = set()
    last_made = -30  # where the last name after a kind of maker ended
    for start, end, what in hits:
        term = text[start:end]
        if what == "suffix" and (text.startswith(_NO_NAME_AFTER.get(term, ()), end) or (
                term == "控股" and text.endswith(_HELD_BY, 0, start))):
            continue  # 控股股东, 资本市场; 市政府控股的…: held by, not a name
        if what == "suffix":
            longest[end] = min(start, longest.get(end, start))
            followed.add(start)
        elif what == "examples":
            heads.append((end, "investor" if term.startswith(("机构", "機構")) else "company"))
        elif what == "maker":
            # a list goes on after the name, or it ends a list of such names
            if ((made := _MADE_BY.match(text, end)) and not _STOPPED.search(made.group())
                    and not _GENERIC.match(made.group())
                    and (not text.startswith(("，", ",", "。", "；", ";"), made.end())
                         or text.startswith("以及", made.end() + 1)
                         or 0 < start - last_made < 30)):
                add(*made.span(), "company", "maker")
                last_made = made.end()
        elif what == "role":
            name_start = _name_start(text, start, _MAX_ROLE_NAME)
            if (start - name_start >= 2 and text[name_start:start] not in _NAMELESS
                    and not text.endswith(_KINDS_OF_BODY, name_start, start)):  # VC机构领投
                add(name_start, start, "company" if term in _FOUNDED else "investor", "role")
        elif (text[start].isupper() and not _NAME_GOES_ON.match(text, end)
              and not text.startswith("-", end)  # National-Local Co-construction
              and (name := _english_name(text, start)) is not None
              and not text.endswith(") ", 0, name)):  # the name runs on before (Shanghai)
            last = text[start:end].lower()
            if last in _ABBREVIATED and (stop := _ABBREVIATION_END.match(text, end)):
                end = stop.end()  # Acme Co., Acme Co., Ltd.
            elif legal := _LEGAL_FORM_AFTER.match(text, end):
                end = legal.end()  # Zbit Semiconductor, Inc.: its legal form is no list item
            add(name, end, _ENGLISH_KIND.get(last, "company"), "english")
    for end, suffix_start in longest.items():
        if end in followed:
            continue  # …科技有限公司: the name goes on to the next suffix
        suffix = text[suffix_start:end]
        kind = _KIND_OF.get(suffix)
        if text[suffix_start - 1:suffix_start] in ("-", "－"):
            continue  # a chain of words: 技术-资本-产业
        weak = suffix in _WEAK and not _AFTER_NAME.match(text, end)
        if kind is None or (weak and suffix != "政府"):
            continue
        if weak:
            country = _COUNTRY_GOVERNMENT.search(text, max(0, suffix_start - 8), suffix_start)
            if country is None:
                continue
            start = country.start()
        else:
            start = _name_start(text, suffix_start, 18 if suffix in _LONG_NAMES else _MAX_NAME)
            if suffix in _LONG_NAMES and (city := _CITY_INSIDE.search(text, max(0, start - 6),
                                                                        start)):
                # a legal name holds its city in brackets: 跨维(深圳)智能科技有限公司
                before = _name_start(text, city.start(), _MAX_NAME)
                if city.start() - before >= 2:
                    start = before
            if suffix == "分公司" and (firm := _FIRM_BEFORE_BRANCH.search(
                    text, max(0, suffix_start - 12), suffix_start)):
                start = _name_start(text, firm.start(), 18)
        if kind == "university" and start and text[start - 1] in "与與":
            # a faculty of two fields: 西岭大学地理与旅游学院, 某科学院地理科学与资源研究所;
            # not a list of two bodies (西岭大学与南湖实验室): a field stands before 与
            before = _name_start(text, start - 1, 14)
            bodies = [m.end() for m in _HAS_UNIVERSITY.finditer(text, before, start - 1)]
            if bodies and 2 <= start - 1 - bodies[-1] <= 4:
                start = before
        if suffix.endswith((")", "）")):  # 合伙企业（有限合伙）: the name, not its legal form
            end, suffix = end - len("（有限合伙）"), suffix[:-len("（有限合伙）")]
        # a bureau of the text's own city or province may go by its level alone: 市财政局
        if suffix_start - start >= 2 or (kind == "government" and suffix_start - start == 1
                                         and text[start] in _LEVELS):
            add(start, end, kind, "suffix", suffix)
    for start, end, kind in _examples(text, heads):
        add(start, end, kind, "list")
    for start, end, kind in _list_items(text, [*named, *((d.start, d.end, d.kind)
                                                       for d in found.values())],
                                        {start for start, _, _ in named}):
        add(start, end, kind, "list")
    # A name inside a longer one is part of it: JinYi Capital in JinYi Capital Multi-Strategy Fund;
    # one that ends another is that one without its place: 金银潭医院 after 武汉金银潭医院.
    # A name in brackets after a name is its other name: 汉舟投资有限公司(Haboat Investment),
    # 云岫二期创业投资合伙企业(有限合伙)(简称“云岫二期基金”).
    spans = [(d.start, d.end) for d in found.values()]
    ends = {end for _, end in spans} | {end for _, end in taken}
    return sorted((d for d in found.values()
                   if not any(s <= d.start and d.end <= e and (s, e) != (d.start, d.end)
                              for s, e in spans)
                   and not any(n != d.name and n.endswith(d.name) for n in found)
                   and not _in_brackets_after(text, d.start, ends)),
                  key=lambda d: d.start)


def _in_brackets_after(text: str, start: int, ends: set[int]) -> bool:
    """Whether the name at `start` opens a bracket right after a name ending in `ends`."""
    bracket = _OTHER_NAME_BEFORE.search(text, max(0, start - 18), start)
    return bracket is not None and bracket.start() in ends


_OTHER_NAME_BEFORE = re.compile(r"(?:[（(]有限合[伙夥][）)])?"  # after a partnership's legal form
                                r"[（(](?:以下)?(?:简称|簡稱|下称|下稱)?[：:]?\s*[“\"「]?\s*$")


def _examples(text: str, heads: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """The items of each list of examples that a kind of firm introduces and 等 ends (玩家如A、
    B、C等), with the kind its head says: `heads` are where each list starts."""
    found: list[tuple[int, int, str]] = []
    for at, kind in heads:
        items: list[tuple[int, int]] = []
        while len(items) < _MAX_ITEMS and (item := _EXAMPLE.match(text, at)):
            items.append(item.span())
            if (separator := _EXAMPLE_SEPARATOR.match(text, item.end())) is None:
                break
            at = separator.end()
        if len(items) >= 2 and text.startswith("等", items[-1][1]):
            found += [(start, end, kind) for start, end in items]
    return found


def _list_items(text: str, named: list[tuple[int, int, str]], catalog: set[int]
                ) -> list[tuple[int, int, str]]:
    """The other items of each list in which at least two items are `named` organisations,
    with the kind most of those have. `catalog` holds where the catalog's names start."""
    # Most names stand in no list.
    listed = sorted([name for name in named if (following := text[name[1]:name[1] + 1]) in _LIST_NEXT
                     or text[name[0] - 1:name[0]] in _LIST_BEFORE
                     or (following in _TITLE_FIRST and _CHIEFS.match(text, name[1]))])
    if len(listed) < 2:
        return []
    at = {start: (end, kind) for start, end, kind in named}
    items_found: list[tuple[int, int, str]] = []
    done: set[int] = set()
    for start, end, _ in listed:
        if start in done:
            continue
        items = [(start, end)]
        while len(items) < _MAX_ITEMS and (
                after := _item_after(text, items[-1][1], at, catalog)):
            items.append(after)
        while len(items) < _MAX_ITEMS and (before := _item_before(text, items[0][0])):
            items.insert(0, before)
        done.update(s for s, _ in items)
        if len(items) < 3:
            continue  # two names found and one more, at least
        # an item holding a name found counts: 上海自贸区临港新片区管委会 holds 临港新片区
        inside = [[k for s, (e, k) in at.items() if lo <= s and e <= hi] for lo, hi in items]
        kinds = Counter(kinds[0] for kinds in inside if kinds)
        if sum(kinds.values()) >= 2:
            kind = kinds.most_common(1)[0][0]
            items_found += [item for (s, e), held in zip(items, inside, strict=True)
                            if not held and not _NOT_ORGANISATION.fullmatch(text, s, e)
                            and text[s:e] not in _PLACES and not _LEGAL_ITEM.match(text, s)
                            and not text.startswith(_PEOPLE, s)
                            and text[s:e] not in _KIND_OF  # 人民法院: a kind of body, no name
                            and (cut := _before_facility(text, s, _unglued(text, s, e)))
                            and (item := _before_title(text, s, cut, kind))
                            and not _NOT_ORGANISATION.fullmatch(text, item[0], item[1])]
    return items_found


def _unglued(text: str, start: int, end: int) -> int:
    """The end of a list item's name without the word glued to it: one CJK character after an
    English name (Magna正與), a verb of hosting (与云岫集团合办、…)."""
    if text.endswith(_HOSTED, start, end):
        return end - 2
    glued = _GLUED_WORD.fullmatch(text, start, end)
    return glued.end(1) if glued else end


def _before_facility(text: str, start: int, end: int) -> int | None:
    """The end of the list item, or of the firm before a facility the item names (提尔科技智算中心:
    提尔科技); None when it names a facility of no firm (零碳智能物流产业园)."""
    facility = _FACILITY.search(text, start, end)
    if facility is None:
        return end
    owner = _ENDING.search(text, start, facility.start())
    return facility.start() if owner and facility.start() - start > len(owner.group()) else None


def _before_title(text: str, start: int, end: int, kind: str) -> tuple[int, int, str] | None:
    """The item, or its part before a title that a person's name follows; None when the title
    begins it (the item's start may have been cut inside the title: 總經理 read as 理)."""
    title = _TITLE.search(text, max(0, start - 3), end)
    if title is None or title.end() <= start:
        return start, end, kind
    return (start, title.start(), kind) if title.start() - start >= 2 else None


def _item_after(text: str, end: int, at: dict[int, tuple[int, str]], catalog: set[int]
                ) -> tuple[int, int] | None:
    """The list item after the one ending at `end`, if a separator follows it (or a remark
    in brackets, or the firm's chiefs, and then one: 台积电（2330）、Cadence; 蔚来(36275辆)、理想;
    宏碁董事长陈某、微星): a name found there,
    or the words up to the next separator. 和, 与 and 及 end an item only before a catalog
    name (国土资源和房地产学会 is one name). The last item ends before a word that no name holds
    (B完成融资: B), then at 等 or punctuation."""
    if remark := _REMARK.match(text, end) or _CHIEFS.match(text, end):
        end = remark.end()
    separator = _ITEM_SEPARATOR.match(text, end)
    if separator is None:
        return None
    start = separator.end()
    if start in at:
        return start, at[start][0]
    english = separator.group()[0] in ", "
    item = (_ENGLISH_ITEM if english else _ITEM).match(text, start)
    if item is None or _PERSON_AFTER.match(text, item.end()) or text.startswith(
            ("-", "–"), item.end()):  # RISC-V芯片: a word, not an item
        return None
    end = item.end()
    if not english:
        end = next((j.start() for j in _JOINT.finditer(text, start + 2, end)
                    if j.end() in catalog or text.startswith(_PEOPLE, j.end())), end)
    if (_ITEM_SEPARATOR.match(text, end) or _REMARK.match(text, end)) and not (
            _CLAUSE_IN_ITEM.search(text, start, end)):  # 和航天嘉诚分别是…: a clause, no item
        return start, end
    if stop := _NOT_IN_ITEM.search(text, start, end):
        end = stop.start()
    if end - start >= 2 and (text.startswith("等", end) or (
            end - start <= 10 and (end == len(text) or text[end] in "。，,；;)）\n"))):
        return start, end
    return None


def _item_before(text: str, start: int) -> tuple[int, int] | None:
    """The list item before the one starting at `start`, if a separator stands between (、 or
    an English comma: 和 and 与 also join a verb's subject to its object). The first item of
    a list starts after the words before it (投资方包括A、B: A)."""
    if text.endswith(("、", "/", "／"), 0, start):
        end = start - 1
        if text.endswith(("）", ")"), 0, end) and (
                remark := _REMARK_BEFORE.search(text, max(0, end - 14), end)):
            end = remark.start()
        run = _RUN.search(text, max(0, end - 20), end)
        if run is None:
            return None
        if run.start() > 0 and text[run.start() - 1] in "、/／":
            return run.span()
        item_start = _name_start(text, end, 14)
        return (item_start, end) if end - item_start >= 2 else None
    if not text[start - 1:start].isspace():  # an English comma or "and" before it ends in one
        return None
    comma = _COMMA_BEFORE.search(text, max(0, start - 6), start)
    if comma is None:
        return None
    end = start - len(comma.group())
    item = _ENGLISH_ITEM_BEFORE.search(text, max(0, end - 60), end)
    if item is None or (" " not in item.group()
                        and _SENTENCE_START.search(text, max(0, item.start() - 3), item.start())):
        return None
    return item.span()


def _english_name(text: str, suffix_start: int) -> int | None:
    """Where the capitalised words before an English organisation word begin, leaving out a
    sentence's first word or a describing one; None when no name word is left."""
    found = _ENGLISH_NAME.search(text, max(0, suffix_start - 80), suffix_start)
    if found is None:
        return None
    start = found.start(1)
    for headline in _HEADLINE_WORD.finditer(text, start, suffix_start):
        start = headline.end()  # a headline's: What's the Big Deal About Embodied Intelligence
    for word in text[start:suffix_start].split():
        if word.lower() not in _ENGLISH_NOT_NAME:
            return start
        start = text.index(word, start) + len(word)
        start += len(text[start:suffix_start]) - len(text[start:suffix_start].lstrip())
    return None


def _name_start(text: str, end: int, longest: int) -> int:
    """Where the name ending at `end` begins: after the last punctuation, function word or
    phrase word within `longest` characters before it; `end` when there is none (the name may
    run on further back, and a cut name is no name)."""
    lo = max(0, end - longest)
    floor = max(lo - 1, 0)  # a stop just before the longest name counts
    # The nearest stop first: searched in the characters before `end`, read backwards.
    backwards = text[floor:end][::-1]
    found = _STOP_BACKWARDS.search(backwards)
    while found is not None:
        at = end - found.start()
        if (found.end() - found.start() > 1 or (text[at - 2:at] not in _NAME_WORDS
                                                 and text[at - 1:at + 1] not in _NAME_WORDS)):
            return at
        found = _STOP_BACKWARDS.search(backwards, found.start() + 1)
    return lo if lo == 0 else end


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted, not overlapping each other)."""
    before = bisect_left(spans, (end, -1)) - 1
    return before >= 0 and spans[before][1] > start
