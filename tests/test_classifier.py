"""tasks/classify: matching rules, context rules, scripts, salience and events."""

import re

import pytest

from tasks.classify import Classifier
from tasks.classify.matcher import normalize, one_of, spellings


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def ids(classifier: Classifier, text: str) -> list[str]:
    return classifier.classify(text).company_ids


def test_normalize_keeps_length_and_folds_full_width() -> None:
    text = "ＭｉｎｉＭａｘ　与稀宇科技"
    assert normalize(text) == "minimax 与稀宇科技" and len(normalize(text)) == len(text)


def test_camel_case_brands_are_also_matched_spaced() -> None:
    assert spellings("MiniMax") == ["MiniMax", "Mini Max"]
    assert spellings("Moonshot AI") == ["Moonshot AI"]


def test_a_word_list_pattern_finds_the_longest_word_first_as_an_alternation_would() -> None:
    words = ["融资", "融资方", "投资方", "投资", "a.b", "方"]
    plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    trie = re.compile(one_of(words))
    for text in ("完成融资方案", "投资方包括", "投资人", "a.b与axb", "方正", "无"):
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert trie.fullmatch("融资方") and not trie.fullmatch("融") and not trie.search("axb")


@pytest.mark.parametrize("text, expected", [
    ("MiniMax发布海螺AI", ["minimax"]),
    ("稀宇极智创始人闫俊杰", ["minimax"]),
    ("minimax算法常用于博弈树搜索", []),  # the algorithm, lower case
    ("xMiniMax和MiniMaxer都不是公司", []),  # inside longer Latin words
    ("Qwen3与GLM4同台", ["alibaba", "zhipu"]),  # versions may follow a name
    ("Kimi莱科宁赢得F1比赛", []),
    ("月之暗面发布Kimi新版本", ["moonshot"]),
    ("商汤灭夏桀，建立商朝。", []),
    ("早上喝一碗小米粥", []),
    # short names whose other senses their rules name
    ("中金领投了这轮融资", ["cicc"]),
    ("中金黄金公布了三季度产量", []),
    ("人保财险推出新产品", ["picc"]),
    ("人保部发布了就业数据", []),
    ("江淮地区迎来入梅", []),
    ("江淮与华为合作的新车型上市", ["jac", "huawei"]),
    # a short name across two words; a country's trade, not the company
    ("这是一场人形机器人保卫战。", []),
    ("中国电信巨头首次弃用进口芯片。", []),
    ("中国电信发布了新的算力网络。", ["china_telecom"]),
    # a stock code or "等企业" after a name says it is the company, in a list too
    ("引入多家投资者，其中包括中金(3908)、人保(1339)。", ["cicc", "picc"]),
    ("台积电（2330）、Cadence等企业也到场支持。", ["tsmc", "cadence"]),
    ("与中兴等企业分庭抗礼。", ["zte"]),
    ("小米(40000+辆)排名上升至第三。", ["xiaomi"]),
    # a name a phrase may end in, at a clause's start
    ("时的科技在7月宣布获得一笔订单。", ["tcab"]),
    ("当时的科技水平有限。", []),
    # a word that is also a start-up's name
    ("China AI Startup Moonshot Targets a Higher Valuation", ["moonshot"]),
    ("The Moonshot project was a bold bet.", []),
    # a firm of the same trade close by vouches for a short name, another trade does not
    ("工商银行上线了智能客服；中行部署了大模型平台。", ["icbc", "boc"]),
    ("腾讯发布了财报；中行部署了大模型平台。", ["tencent"]),
    # 总台 the broadcaster, not a front desk; 超微 as Taiwan writes AMD, not Supermicro
    ("蛇年总台春晚上，机器人扭起了秧歌。", ["cctv"]),
    ("请到酒店总台办理入住。", []),
    ("包括超微（AMD）、英特尔等芯片大厂。", ["amd", "intel"]),
    ("美超微的服务器需求大增。", ["supermicro"]),
    ("超微粉碎技术用于中药加工。", []),
    # 微星 the board maker, not a small star; an English spelling the press uses
    ("微星董事长出席了伺服器论坛。", ["msi"]),
    ("夜空中一颗微星闪烁。", []),
    ("Chip designer Sophgo was added to the list.", ["sophgo"]),
    ("It was backed by the State Development & Investment Corp.", ["sdic"]),
    # a chat app's name as a contact line is no news about its maker
    ("合作微信:kingbackL", []),
    # three stars and a quick dish are not Samsung and Kuaishou; the firms still are
    ("牵牛星是河鼓三星之一，隔着银河与织女星相对。", []),
    ("三星发布了新款折叠屏手机。", ["samsung"]),
    ("这道早餐胜在快手省事，备料不过五分钟。", []),
    ("快手公布了三季度财报。", ["kuaishou"]),
    # English renderings of Chinese start-ups' names in translated news; an album is not one
    ("The large model startup Dark Side of the Moon announced a new round of financing.",
     ["moonshot"]),
    ("Pink Floyd released the album The Dark Side of the Moon in 1973.", []),
    ("Step Star, one of the few large model startups, raised new funding.", ["stepfun"]),
    # the end of a longer book title is a word of it; a title that is the name is the name
    ("班固整理会议记录，遂编成《白虎通义》。", []),
    ("马来西亚《新海峡时报》报道了此事。", ["new_straits_times"]),
    ("从红光到紫光，波长逐渐变短。", []),
    # a space where Latin letters meet Chinese characters; a joint venture is one name
    ("根据 IT 桔子数据，上半年融资回暖。", ["itjuzi"]),
    ("奥迪一汽与东风柳汽都发布了新车。", ["audi", "dongfeng"]),
    ("野村发布报告，上调了目标价。", ["nomura"]),
    ("他在野村的田埂上散步。", []),
    # North Lantau is not Peking University; the wave is not Inspur, the server maker is
    ("自去年底在北大嶼山啟動首個測試項目。", []),
    ("与浪潮、中科曙光等构建从芯片到整机的链条。", ["inspur", "sugon"]),
    ("台湾默默搭上全球AI浪潮的顺风车；在这轮浪潮中，服务器需求大增。", []),
    # English context for a research house; Tolkien's seeing stones are not Palantir
    ("According to IDC data, shipments grew by a fifth.", ["idc"]),
    ("Saruman looked into the Palantir of Orthanc, one of Tolkien's seeing stones.", []),
    ("Palantir won a new contract with the army.", ["palantir"]),
    # a fine horse, a qubit, a straight flush and a flake of snow; the firms still are
    ("汉武帝想换取汗血宝马。大宛国王说：“我的宝马，凭什么给你？”", []),
    ("宝马发布了新款电动车。", ["bmw"]),
    ("研究人员创建量子比特 (量子位) 的方法有多种。", []),
    ("据量子位报道，该公司完成了新一轮融资。", ["qbitai"]),
    ("同花順：數字相連但花色不同的5張牌。", []),
    ("同花顺发布了三季度财报。", ["hithink"]),
    ("Bentley, a farmer, became known as the Snowflake Man.", []),
    ("Snowflake shares rose after its earnings beat forecasts.", ["snowflake"]),
    # a classic's phrase, a university's own institute, Heinlein's word; a paper in Taiwan's words
    ("以顺为正者，妾妇之道也。", []),
    ("云岫大学工研院将主导基础研究。", []),
    ("In Heinlein's novel Stranger in a Strange Land, to grok is to understand. " + "x" * 300
     + " Grok means to understand so thoroughly.", []),
    ("英媒金融時報報導，新工廠將滿足華為的需求。", ["ft", "huawei"]),
    # a folk tale's woodcutter, a tiger sniffing roses, "lead the investment", local universities
    ("《阿里巴巴和四十大盗》是一千零一夜里的故事。", []),
    ("阿里巴巴公布了季度财报。", ["alibaba"]),
    ("在我心中，老虎嗅着玫瑰。", []),
    ("作为资深投资者领航投资的云岫科技正冲刺上市。", []),
    ("该项目是首个与本港大学共同开展的科研项目。", []),
    ("海光芯正港股递表，押注下一代光模块。", []),
    # a firm likened to a famous one is not that one; a constellation is no shop
    ("有「中國版輝達」之稱的云岫芯片，去年營收大增。", []),
    ("被称为国产版OpenAI的云岫智能完成了新一轮融资。", []),
    ("英伟达发布了新一代芯片，中国版本随后上市。", ["nvidia"]),
    ("天猫座是北天的一个暗弱星座。", []),
    ("双十一期间，天猫的成交额创了新高。", ["taotian"]),
    # the unit of magnetic flux density, in either script
    ("磁感应强度的单位是特斯拉（Tesla，符号T），一个特斯拉代表很强的磁场。", []),
    ("特斯拉公布了季度交付量。", ["tesla"]),
    # a comet and its discoverer, the digital age as Taiwan writes it; the firms still are
    ("海尔-波普彗星由美国天文学家海尔和波普分别独立发现。", []),
    ("數位時代來臨後，三五好友拍大頭貼也大大盛行。", []),
    ("據《數位時代》報導，新創融資回溫。", ["bnext"]),
    ("台經院與資誠（PwC Taiwan）發布了新創調查。", ["tier", "pwc"]),
    # short names of Taiwan's suppliers inside everyday phrases are not the firms
    ("美国巨头纷纷入局，又一家登陆港股，液晶技术也在进步；推广达到百万人。", []),
    ("中美晶片戰升溫，整合晶片方案受關注。", []),
    ("國巨宣布調漲被動元件價格，廣達與家登也公布了營收。", ["yageo", "quanta", "gudeng"]),
    ("中美晶持股環球晶。", ["sas_taiwan", "gwc"]),
    # English names the press uses
    ("AI2Robotics raised a new round, Jiemian News reported.", ["ai2_robotics", "jiemian"]),
    ("CATL, a supplier to startup Nio, raised money from Citic.", ["catl", "nio", "citic"]),
    # Taiwan's words for the Big Fund and the AI fund
    ("國家積體電路產業投資基金與國家人工智慧產業投資基金入股。", ["big_fund", "national_ai_fund"]),
    # a name that needs a context word has one in a list the text gives as investors
    ("投资方包括星渚资本、青岚创投、地平线。", ["horizon_robotics"]),
    ("投资方包括星渚资本。清晨的地平线很美。", []),
    # a page's browser notice, a social network used as a medium
    ("為達最佳瀏覽效果，建議使用 Chrome、Firefox 或 Microsoft Edge 的瀏覽器。", []),
    ("微软发布了新版 Microsoft Edge。", ["microsoft"]),
    ("農場小編在臉書直播表示，蘋果掉光了。", []),
    ("Facebook宣布推出新的广告工具。", ["meta"]),
    # a saying that is also a brand, a date before 经, a product line at a handset maker
    ("行者无疆，他一路向西走到了海边。", []),
    ("AR眼镜品牌行者无疆完成新一轮融资。", ["viture"]),
    ("该议案已于2025年7月7日经董事会审议通过。", []),
    ("他曾担任荣耀产品线总经理。", ["honor"]),
    # a medium's masthead before its column; firms by their company names
    ("投资界-解码LP获悉，深圳发布新方案。", ["pedaily"]),
    # ordinary senses: a new capital, a flower, a heading, a wave; "invested in by Tencent"
    ("汤在亳这里营建新国都、积蓄粮草。", []),
    ("Snapdragon is a cool-season flower with racemes (spikes). Snapdragon is diverse.", []),
    ("Hooves of an ox.\nNature and Behavior\nDespite its fear, it is kind.", []),
    ("The study was published in Nature on Monday.", ["nature"]),
    ("具身智能的发展浪潮即将来临，算力需求很大。", []),
    ("同样获得腾讯投资的上海 MiniMax 已申请上市。", ["tencent", "minimax"]),
    ("花蓮規劃了三處移民聚落，分別是吉野、豐田、林田。", []),
    ("丰田汽车宣布在华新建电池工厂。", ["toyota"]),
    ("Why is the Canon in D so popular? Pachelbel wrote it.", []),
    # the second Big Fund is a company of its own, with the first as its parent
    ("大基金二期认购30亿元。", ["big_fund_2"]),
    # a file name, a parrot, a coil, a founder's name, Taiwan's name for Gartner
    ("来源: 绿色上海\n\n微信图片_20211206141914.jpg\n\n凤凰在我们的文化中。", []),
    ("Amazon parrots are bright birds. A Tesla coil is a resonant transformer.", []),
    ("最近出圈的何小鵬也對手的重要性頗有感觸。", []),
    ("顧能（Gartner）分析師表示；需要照顧能力較弱的老人。", ["gartner"]),
    ("由吉利資本領投、北汽產投戰略投資。", ["geely_capital", "baic_capital"]),
    ("裹动智驾(AutoX)与北京初速（Momenta）获得牌照；子弹的初速很高。", ["autox", "momenta"]),
    # Mao's little red book; Taiwan's names for foreign firms
    ("那些年，人人隨身攜帶這本小紅書，早晚高舉。", []),
    ("小红书宣布完成新一轮融资。", ["xiaohongshu"]),
    ("沙烏地阿拉伯國家石油公司旗下基金、軟體銀行與老虎全球管理都曾出手。",
     ["aramco", "softbank", "tiger_global"]),
    # a market in a famous one's style; a typeset apostrophe
    ("It raised funds on the Nasdaq-style market of the Shanghai Stock Exchange.", ["sse"]),
    ("Saudi Arabia’s Wa’ed Ventures joined the round.", ["waed_ventures"]),
    # a deputy's title, Singapore's old name, a wave of investment, a spectacle
    ("全国人大代表、云岫集团创始人王一直言，机会很大。", []),
    ("全国人大通过了这部法律。", ["npc"]),
    ("He was told that it was the island of Temasek, an ancient kingdom.", []),
    ("Temasek led the round.", ["temasek"]),
    # a CamelCase brand split by a space only in its capitals; the gear a photo was taken with
    ("It drew money from intelligence-linked In-Q-Tel.", ["in_q_tel"]),
    ("The crater at dawn. Capture with Sony A7s & Lens Canon TSE17/F4", []),
    ("Sony shot up 5% on Monday.", ["sony"]),
    # a fluent speaker, creativity, a speed, a founder's name
    ("她能流利说英语，充满創意；at lightspeed, Khosla said.", []),
    ("英语流利说与流利说都完成了融资；創意與台積電合作ASIC。", ["liulishuo", "guc", "tsmc"]),
    # an ancient song, an island, a prospect, a plain KT
    ("卿云烂兮，糺缦缦兮。日月光华，旦复旦兮。", []),
    ("Refugees were held on Manus Island for years.", []),
    ("这是我们的远景目标；KT值越大越好。", []),
    # a maple's genus, a Neolithic culture, a constellation
    ("The Japanese maple (Acer palmatum) is a tree. The mysteries of Hongshan culture remain.", []),
    ("Geminid meteors radiate from Gemini near the star Castor.", []),
    ("Acer shipped more laptops; HongShan led the round.", ["acer", "hongshan"]),
    # steam in a pot, bean buns, King Tang's basin
    ("加入清水没过红豆，大火上汽后盖汽阀转小火；蒸锅里静置20分钟，让豆包发酵变大一圈。", []),
    ("汤之盘铭曰：“苟日新，日日新，又日新。”这里的器皿是指商汤的洗澡盆。", []),
    # an old book's title, an arctic hare, a catwalk
    ("吴树平的风俗通义校释收集了唐宋佚文；北极狐也吃北极兔。", []),
    ("The Evolution of the Runway: designers and models at Fashion Week.", []),
    ("投资界10月30日消息，国办印发通知。", ["pedaily", "state_council"]),
    # the paper ingots burnt for the dead
    ("大元寶折法不僅是摺紙技巧，透過摺紙將金紙轉化為元寶，是祭祀的供品。", []),
    ("腾讯元宝上线新功能，接入混元大模型。", ["tencent"]),
    ("上汽发布新车；Kia and UBS AG both joined; 快仓宣布完成B轮融资，加码物流机器人。",
     ["saic", "kia", "ubs", "quicktron"]),
    ("远景与海博思创签下储能订单；SK Telecom and KT both invested.",
     ["envision", "hyperstrong", "sk_telecom", "kt_corp"]),
    ("AI基礎建設的投資浪潮僅走到1.5波，伺服器需求仍大；山间奇景令人惊叹。", []),
    # the Bard is Shakespeare; Taiwan's ministry of agriculture where Taiwan is near, America's
    # by its name
    ("Summer festivals stage the Bard's comedies outdoors, and the audience brings blankets.", []),
    ("Google's Bard chatbot answered first.", ["google"]),
    ("美國農業部公布報告；台中市府表示已行文農業部勘災。", ["us_usda", "tw_moa"]),
    ("农业部发布了全国春播情况。", []),
    # Hong Kong's observatory by its weather, not a stargazers' one; air mobility, no China Mobile
    ("天文台表示，一股強烈季候風今日抵達華南沿岸。", ["hko"]),
    ("他们在山顶的天文台上观星；空中移動載具、機器人都是新商機。", []),
    # a reject word inside the alias, written twice in one sentence (甲骨 in 甲骨文); Zhuangzi's
    # 鸿蒙
    ("今年甲骨文（Oracle）與OpenAI合作，例如OpenAI向甲骨文下採購大單。", ["oracle", "openai"]),
    ("雲將到東方巡遊，恰巧遇上了鴻蒙。鴻蒙正拍著大腿跳躍。", []),
    # short names across a word's edge (本科和硕士, 其中光电), a building material
    ("他本科和硕士毕业于交大；其中光电共封装方案正加速。", []),
    ("Adobe bricks are made of mud and straw, dried in the sun.", []),
    # east of the capital: a ballad and a gorge, however far their names reach past the window
    ("探秘京东大峡谷：北京的山水画卷；京東大鼓是曲藝的一種。", []),
    ("京东大促开始，订单激增。", ["jd"]),
    # steam in a pressure cooker; SAIC's next steps
    ("使用高压锅，上汽后压10分钟，口感稍硬。", []),
    ("上汽后续将推出新车。", ["saic"]),
    # the goddess of victory, not the shoemaker; a university's conference centre as a venue
    ("卢浮宫的镇馆之宝之一是NIKE胜利女神雕像。", ["louvre"]),
    ("Nike released new running shoes this week.", ["nike"]),
    ("在台大国际会议中心举行论坛。", []),
    # the river, not the retailer, wherever its name reaches
    ("Fish have died on Amazon tributaries due to drought this year.", []),
    # a business plan, not BP
    ("仅凭一份7页纸文字版BP，就斩获融资。", []),
    ("Didi and BP will build charging stations.", ["didi", "bp"]),
])
def test_company_rules(classifier: Classifier, text: str, expected: list[str]) -> None:
    assert ids(classifier, text) == expected


def test_offsets_point_at_the_alias_in_the_original_text(classifier: Classifier) -> None:
    text = "据报道，ＭｉｎｉＭａｘ（稀宇科技）提交了招股书。"
    for mention in classifier.classify(text).mentions:
        assert text[mention.start:mention.end] == mention.alias
    assert [m.alias for m in classifier.classify(text).mentions] == ["ＭｉｎｉＭａｘ", "稀宇科技"]


def test_traditional_text_matches_and_simplified_text_is_not_rewritten(classifier) -> None:
    assert ids(classifier, "無問芯穹與騰訊雲達成合作，字節跳動也參與。") == [
        "infinigence", "tencent_cloud", "bytedance"]
    assert ids(classifier, "华为昇腾芯片出货量大增") == ["huawei"]


def test_explain_records_rejections_with_the_rule(classifier: Classifier) -> None:
    _, decisions = classifier.explain("平克·弗洛伊德的专辑《月之暗面》")
    [decision] = decisions
    assert not decision.accepted
    assert "rejected: '平克·弗洛伊德' in its clause or within 30 chars" in decision.reason


def test_salience_levels(classifier: Classifier) -> None:
    title = "无问芯穹完成新一轮融资"
    body = "本轮融资由多家机构参与。" + "行业观察。" * 40 + "MiniMax、MiniMax和MiniMax也有动作。智谱也提到。"
    labels = classifier.classify(f"{title}\n\n{body}", title_length=len(title))
    salience = {m.company_id: m.salience for m in labels.mentions}
    assert salience == {"infinigence": "title", "minimax": "frequent", "zhipu": "passing"}


def test_events_carry_details_and_evidence(classifier: Classifier) -> None:
    text = "无问芯穹宣布完成近5亿元A轮融资，由红杉中国领投。MiniMax已通过港交所聆讯。"
    events = {(e.type, e.company_id): e for e in classifier.classify(text).events}
    funding = events[("funding", "infinigence")]
    assert funding.details["round"] == "A轮" and funding.details["currency"] == "元"
    assert funding.evidence.startswith("无问芯穹宣布完成") and funding.confidence >= 0.8
    ipo = events[("ipo", "minimax")]
    assert ipo.details == {"exchange": "HKEX", "stage": "hearing"}
    assert not any(company == "hkex" for _, company in events)  # an exchange is not a subject


def test_topics_have_evidence(classifier: Classifier) -> None:
    [topic] = [t for t in classifier.classify("宇树科技发布人形机器人。").topics
               if t.topic == "embodied_ai"]
    assert "机器人" in topic.evidence


def test_event_subjects_and_details(classifier: Classifier) -> None:
    def events(text: str) -> dict[tuple[str, str], dict]:
        return {(e.type, e.company_id): e.details for e in classifier.classify(text).events}

    # the company after a stake verb took the money; the investor is not a subject
    assert events("在最近一轮融资中，红杉中国入股了无问芯穹。") == {
        ("funding", "infinigence"): {"investors": ["红杉中国"]}}
    # English amounts and rounds
    assert events("MiniMax raised US$600 million in a Series B led by Tencent.")[
        ("funding", "minimax")] == {"round": "Series B", "amount": "600 million",
                                    "currency": "美元", "investors": ["腾讯"]}
    # traditional script is read as simplified by the rules, the evidence stays as written
    [event] = classifier.classify("無問芯穹完成近5億元A輪融資。").events
    assert (event.type, event.company_id, event.evidence) == ("funding", "infinigence",
                                                              "無問芯穹完成近5億元A輪融資。")
    # a unit and its parent are one party, not partners
    assert ("partnership", "huawei") not in events("柳药集团与华为云合作，采用盘古大模型。")
    # the subject is in the trigger's clause, not elsewhere in the sentence
    assert set(events("OpenAI利润率提升，MiniMax通过港交所聆讯。")) == {("ipo", "minimax")}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Classifier:
    """The shipped catalog plus companies whose rules show each context case on its own."""
    path = tmp_path_factory.mktemp("catalog") / "guarded.yaml"
    path.write_text("""\
companies:
  - id: xinghe
    name: 星河智能
    aliases:
      - alias: 星河
        require_near: [芯片, 机器人]
  - id: milan_tech
    name: 米兰科技
    aliases:
      - alias: 米兰科技
        reject_near: [米兰, 时装周]   # 米兰 is part of the alias itself
  - id: hongzao
    name: 红枣科技
    aliases:
      - alias: 红枣
        window: 4
        reject_near: [煮粥, 炖汤]
""", encoding="utf-8")
    return Classifier.load([path])


@pytest.mark.parametrize("text, expected", [
    # a brand followed by its investing arm's name needs no other context
    ("本轮融资由星河资本领投，老股东跟投。", ["xinghe"]),
    ("银河与星河都是夜空里的景象。", []),
    # a reject word inside the alias is the alias, not its context
    ("米兰科技今天发布了新一代工业相机。", ["milan_tech"]),
    ("米兰时装周期间，米兰科技的展台人流不断。", []),
    # a reject word in the same clause counts beyond the character window
    ("红枣和桂圆一起放进锅里慢慢地煮粥。", []),
    ("红枣发布了新款芯片。傍晚回家，我用小锅煮粥。", ["hongzao"]),
    # one sense per text: a name shown once to mean the fruit means it throughout
    ("红枣洗净后放进锅里煮粥。出锅前再放几颗红枣，味道更甜。", []),
])
def test_context_rules_hold(guarded: Classifier, text: str, expected: list[str]) -> None:
    assert ids(guarded, text) == expected


@pytest.mark.parametrize("text, expected", [
    # a name miscased in a Chinese list is still the name; the lower-case word is not
    ("投资方包括Minimax、智谱和月之暗面。", ["minimax", "zhipu", "moonshot"]),
    ("这道题可以用minimax算法求解。", []),
    # a lower-case brand in capitals after a Chinese character is the brand; in English, a word
    ("5G版本有中兴Axon 10 Pro以及VIVO iQOO Pro。", ["zte", "vivo"]),
    ("The results were confirmed IN VIVO by the lab.", []),
    # names that are also words: a scalpel, an ultraviolet lamp, Japanese banks, "who"
    ("他手里拿着一把柳叶刀，紫光灯照着标本；日本银行业普遍承压。who knows?", []),
    ("推进新时代资本市场改革，发挥优势资本作用，撬动社会投资。", []),
    ("本轮由时代资本领投，优势资本跟投。", ["times_capital", "advantage_capital"]),
    ("《柳叶刀》杂志发表了这项研究，WHO表示关注；紫光发布了新芯片，日本央行维持利率。",
     ["the_lancet", "who", "unigroup", "boj"]),
    # traditional script around an all-capital brand is no case mismatch
    ("本輪融資由IDG資本領投。", ["idg_capital"]),
    # an ambiguous word (a fruit) is no context for another ambiguous one (a grain)
    ("小米和苹果都是秋天常见的食物。", []),
    ("小米发布新手机，苹果股价应声下跌。", ["xiaomi", "apple"]),
    # interface text is not news about the app
    ("点击右上角，分享到微信朋友圈。", []),
    # an app used as a medium is not news about its maker; news about the app is
    ("他在微信上给老同学发了一条消息。", []),
    ("县里利用微信公众号、抖音等新媒体平台推介招商项目。", []),
    ("打开百度地图搜索附近的公园。", []),
    ("微信上线了新的支付功能。", ["tencent"]),
    ("每周四的更新，玩家都去游戏官方微信蹲守；校长的微信头像是一所小学。", []),
    # a two-character name after a surname, then what follows a person, is the person
    ("验房公司高级工程师王清华向记者表示，这是偷工减料。", []),
    ("李华为说他从没去过深圳。", []),
    ("本周百度表示将发布新模型。", ["baidu"]),
    # a one-character neighbour rule (京东 in 北京东路) asks for a neighbour, not a clause,
    # and one such place says nothing of the rest of the text
    ("他住在北京东路附近。刘强东表示，京东将加大投入。", ["jd"]),
    # a short name that wants context is an investor in a list of investors
    ("投资方包括美团龙珠、高瓴、启明、经纬、IDG和锦秋。",
     ["meituan_dragonball", "hillhouse", "qiming", "matrix_china", "idg_capital", "jinqiu"]),
    ("山坡上种着红杉、松树和柏树。", []),
    # a country before the next name of the list does not break it
    ("菜鸟、日本软银等机构均有参投。", ["cainiao", "softbank"]),
    # a department's name that holds a ministry's short name
    ("该行将金融科技部单独划出，独立核算。", []),
    ("科技部发布了人工智能伦理指引。", ["most"]),
    # a rainforest is not the company
    ("Cattle ranching has cleared much of the Brazilian Amazon since 1970.", []),
    ("Amazon said its cloud revenue grew by a fifth.", ["amazon"]),
    # a device someone has is no news of its maker
    ("一台ipad放得下成千上萬的教材，他还买了两部iPhone。", []),
    ("苹果发布新款iPad。", ["apple"]),
])
def test_case_script_and_interface_rules(classifier: Classifier, text: str,
                                         expected: list[str]) -> None:
    assert ids(classifier, text) == expected


def test_a_name_wanting_context_has_it_where_the_text_names_the_company_for_sure(
        classifier: Classifier) -> None:
    labels = classifier.classify("雷军说，小米将在年底前交付。到了周末，小米又开了一场分享会。")
    assert [m.company_id for m in labels.mentions] == ["xiaomi", "xiaomi"]
    assert classifier.classify("到了周末，小米又开了一场分享会。").mentions == ()
