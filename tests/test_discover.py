"""tasks/classify/discover.py through the classifier: organisation names outside the catalog,
in written sentences that follow the ways news names investors, partners and start-ups."""

import pytest

from tasks.classify import Classifier


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def found(classifier: Classifier, text: str) -> list[tuple[str, str]]:
    return [(d.name, d.kind) for d in classifier.classify(text).discovered]


@pytest.mark.parametrize("text, expected", [
    ("本轮融资由青禾资本领投，北辰创投跟投，老股东云杉基金继续加注。",
     [("青禾资本", "investor"), ("北辰创投", "investor"), ("云杉基金", "investor")]),
    ("由蓝渡领投，其他投资方包括智谱。", [("蓝渡", "investor")]),  # no suffix: its role says it
    ("该公司与深圳市华曦智能科技有限公司签约，双方将在具身智能领域合作。",
     [("深圳市华曦智能科技有限公司", "company")]),
    ("星汉机器人宣布完成新一轮融资。", [("星汉机器人", "company")]),
    ("The round was led by Northwind Capital, with Bluefin Robotics joining as a partner.",
     [("Northwind Capital", "investor"), ("Bluefin Robotics", "company")]),
    ("北京云麓大学和南湖实验室的研究团队发表了论文。",
     [("北京云麓大学", "university"), ("南湖实验室", "university")]),
    # a kind of firm written before the name is not part of it
    ("本轮投资方包括产业资本青岚资本，以及国际化基金远帆资本。",
     [("青岚资本", "investor"), ("远帆资本", "investor")]),
    # where news names its source
    ("据北辰数据统计，今年以来共有40起融资。", [("北辰数据", "media")]),
    ("来源：星渚财经\n正文从这里开始。", [("星渚财经", "media")]),
    ("（云岫日报记者 王一）本周，园区迎来新项目。", [("云岫日报", "media")]),
    # government bodies, in Chinese and English
    ("云麓市政府控股的一家公司宣布扩产。", [("云麓市政府", "government")]),
    ("The Ministry of Lunar Affairs and Tides said on Monday it would act.",
     [("Ministry of Lunar Affairs and Tides", "government")]),
    # a shorter name inside a longer one is part of it
    ("The fund is backed by Northgate Capital Growth Fund.",
     [("Northgate Capital Growth Fund", "investor")]),
    # a listed company before its stock code; an index's code is no company
    ("包括云岚股份(688999)、半导体(881121)等多家公司发布公告。", [("云岚股份", "company")]),
    # a source in quotes, an account before its WeChat id, a photo credit
    ("据“北辰观察”不完全统计，今年共有40起融资。", [("北辰观察", "media")]),
    ("星渚前沿(公众号:xingzhu)获悉，该公司已完成融资。", [("星渚前沿", "media")]),
    ("▲园区一角。（图／云岫图库）", [("云岫图库", "media")]),
    # English universities and governments
    ("Researchers at the University of Northern Lakes and Hills said so.",
     [("University of Northern Lakes and Hills", "university")]),
    ("The Lunaria government said the fund would invest.", [("Lunaria government", "government")]),
    # a name may start with a word that also starts sentences
    ("The round was backed by New Harbor Capital.", [("New Harbor Capital", "investor")]),
    # a credit's name ends at its closing parenthesis, whichever width
    ("▲园区一角。（圖片來源:云岫图库)", [("云岫图库", "media")]),
    # a partnership's legal name, in traditional script too
    ("出資方為雲岫創業投資引導基金合夥企業（有限合夥）。",
     [("雲岫創業投資引導基金合夥企業", "investor")]),  # without its legal form
    # a verb before a name is not part of it
    ("十年前，他带领青岚集团赴港上市；如今他们正筹备星渚基金。",
     [("青岚集团", "company"), ("星渚基金", "investor")]),
    # told to a source's reporter: the source is who follows the verb
    ("“这类骗局很常见。”李警官告诉云岫日报记者。", [("云岫日报", "media")]),
    ("据北辰财经此前报道，该公司估值已过百亿。", [("北辰财经", "media")]),
    # a name may hold a word that starts with a stop character: 示范区, 东方
    ("推介会上，云麓转型综改示范区管委会介绍了园区。", [("云麓转型综改示范区管委会", "government")]),
    # a place's bureaus and police, hospitals, associations, rescue teams, broadcasters
    ("云麓市住建局和云麓市公安局联合发文，国家邮政局也作了部署。",
     [("云麓市住建局", "government"), ("云麓市公安局", "government"), ("国家邮政局", "government")]),
    ("患者被送往云岫县人民医院救治，星渚户外运动救援队和云麓市围棋协会参与了搜寻。",
     [("云岫县人民医院", "other"), ("星渚户外运动救援队", "other"), ("云麓市围棋协会", "other")]),
    ("这件事经云岫电视台曝光后，他曾接受星渚卫视采访。", [("云岫电视台", "media"), ("星渚卫视", "media")]),
    # a city whose name ends in a stop character; a shorter form of a name found is that name
    ("在成都云岫医院住院的病人说，云岫医院的医生很耐心。", [("成都云岫医院", "other")]),
    # a faculty of two fields is one name
    ("会议由云岫师范大学地理与旅游学院承办，星渚大学建筑与规划学院协办。",
     [("云岫师范大学地理与旅游学院", "university"), ("星渚大学建筑与规划学院", "university")]),
    ("星渚大学与南湖实验室联合发布报告。", [("星渚大学", "university"), ("南湖实验室", "university")]),
    # a list beside organisations found names organisations, in Chinese and in English
    ("本轮投资方包括红杉中国、高瓴、北辰远望、蓝渡创想等机构。",
     [("北辰远望", "investor"), ("蓝渡创想", "investor")]),
    ("Investors such as Hillhouse, Northwind Harbor, Bluefin and Tencent joined the round.",
     [("Northwind Harbor", "investor"), ("Bluefin", "investor")]),
    # 和 ends an item before a catalog name
    ("星动纪元、云岫智造和星海图等公司也完成了融资。", [("云岫智造", "company")]),
    # Hong Kong and Taiwan codes; a code that could be a year, in a list of codes
    ("其中包括云岚(2628)、星渚(1911)、中金(3908)。", [("云岚", "company"), ("星渚", "company")]),
    # a site that publishes, a medium's own story, a report quoted by name
    ("云麓网3月12日发布消息，园区迎来新项目。", [("云麓网", "media")]),
    ("【星渚原创】3月12日，园区迎来新项目。", [("星渚", "media")]),
    ("多家媒体引述「北辰观察」消息指出，该公司将扩产。", [("北辰观察", "media")]),
    # 面对 is no "told to"; a body's own site or account names the body
    ("来源:云岫热点面对面官微", [("云岫热点面对面", "media")]),
    ("(圖/星渚館官網)", [("星渚館", "media")]),
    # a firm's name in quotes after its kind
    ("具身智能初创企业“云岫智能”宣布完成数千万元融资。", [("云岫智能", "company")]),
    # English legal names, a city, two bodies joined by "and the"
    ("Hangzhou Lunar Construction Investment Group Co. said it would invest.",
     [("Hangzhou Lunar Construction Investment Group Co.", "company")]),
    ("The project was agreed with the city of Lunaria last week.",
     [("city of Lunaria", "government")]),
    ("The project is controlled by the government of Lunaria.",
     [("government of Lunaria", "government")]),
    # a country's government, whatever follows
    ("这离不开英国政府的支持，加拿大政府也表示欢迎。",
     [("英国政府", "government"), ("加拿大政府", "government")]),
    # a list of firms' chiefs names the firms (the part before each title), not the people
    ("宏碁董事长陈某、云岫电子董事长王一与总经理李二、星渚电脑总经理赵三、华硕董事长施某都到了。",
     [("云岫电子", "company"), ("星渚电脑", "company")]),
    ("The Cyberspace Administration of Lunaria and the Ministry of Tides said so.",
     [("Administration of Lunaria", "government"), ("Ministry of Tides", "government")]),
    # a city's bureau by its level alone, a data bureau, a publisher, a country's chamber
    ("会上，市财政局与市数据局介绍了算力券的申领办法。",
     [("市财政局", "government"), ("市数据局", "government")]),
    ("该书由云岫文艺出版社出版。", [("云岫文艺出版社", "media")]),
    ("北辰國眾議院通過了一項法案。", [("北辰國眾議院", "government")]),
    # an investment holding arm; an electrical maker where the sentence goes on as after a name
    ("青岚投控表示将继续加码。", [("青岚投控", "investor")]),
    ("云岫电气宣布完成融资。", [("云岫电气", "company")]),
    # English legal names ending in Company Limited, Electronics, Industries
    ("Lunaria Harbor Technology Company Limited was added to the list.",
     [("Lunaria Harbor Technology Company Limited", "company")]),
    ("Northwind Electronics and Bluefin Heavy Industries were named too.",
     [("Northwind Electronics", "company"), ("Bluefin Heavy Industries", "company")]),
    # a legal name with its city in brackets, a museum, a party's city committee
    ("次日，云岫(深圳)智能科技有限公司宣布完成融资。",
     [("云岫(深圳)智能科技有限公司", "company")]),
    ("北辰博物馆与中共云岫市委联合举办了展览。",
     [("北辰博物馆", "other"), ("中共云岫市委", "government")]),
    # an English legal name to its Ltd., a name holding 数据, a court, an observatory
    ("Recently, Beijing Lunar Robotics Co., Ltd. completed a round.",
     [("Beijing Lunar Robotics Co., Ltd.", "company")]),
    ("会上，云岫数据科技有限责任公司发布了新品。", [("云岫数据科技有限责任公司", "company")]),
    ("北辰國地方法院裁定，云岫天文台的观测有效。",
     [("北辰國地方法院", "government"), ("云岫天文台", "university")]),
    # a byline that opens the text, morning and business papers, a news channel, a zone's
    # working committee, a country's government in English
    ("文 | 云岫观察，作者丨王一\n今年以来，机器人赛道持续升温。", [("云岫观察", "media")]),
    ("云岫晨报与北辰商报都报道了此事。", [("云岫晨报", "media"), ("北辰商报", "media")]),
    ("北辰新聞台播出了專題。", [("北辰新聞台", "media")]),
    ("会上，云岫经开区工委负责人介绍了情况。", [("云岫经开区工委", "government")]),
    ("The US government said it would respond.", [("US government", "government")]),
    # a firm's founder names the firm
    ("在深圳，星渚芯科创始人王一毕业于清华。", [("星渚芯科", "company")]),
    # a city's medical insurance bureau, a university's branch campus, an association of
    # entrepreneurs
    ("会上，云岫市医保局与北辰大学石溪分校签约。",
     [("云岫市医保局", "government"), ("北辰大学石溪分校", "university")]),
    ("云岫企业家精英协会举办了年会。", [("云岫企业家精英协会", "other")]),
    # a county's media centre, an R&D institute, city state investors (余杭 is a place, not
    # "more than")
    ("会上，云岫区融媒体中心与北辰微电子研发院签约。",
     [("云岫区融媒体中心", "media"), ("北辰微电子研发院", "university")]),
    ("湘江国投与余杭国投参投，十余家基金跟投。",
     [("湘江国投", "investor"), ("余杭国投", "investor")]),
    # a name that begins with a numeral, or holds 方 (投资方 and 双方 are parties, not names)
    ("本轮由万象创投、六岫资本领投，投资方还有哲方资本，双方将深化合作。",
     [("万象创投", "investor"), ("六岫资本", "investor"), ("哲方资本", "investor")]),
    # hospitals: 协和 holds 和; a university's affiliated hospital is one name
    ("云岫协和医院的医生说，北辰医科大学附属儿童医院也上线了该系统。",
     [("云岫协和医院", "other"), ("北辰医科大学附属儿童医院", "other")]),
    # a source in brackets, an English legal name with its legal form or its city in brackets
    ("【文章来源:云岫财富】\n节前最后一周，一笔融资落定。", [("云岫财富", "media")]),
    # a name found again with its legal form is found once; a firm before the facility it names
    ("Lunaria Capital Investment makes a move. Lunaria Capital Investment Co., Ltd. signed.",
     [("Lunaria Capital Investment", "investor")]),
    ("星渚科技、北辰科技、华为与云岫科技智算中心、零碳智能物流产业园都已落地。",
     [("星渚科技", "company"), ("北辰科技", "company"), ("云岫科技", "company")]),
    ("會上，云岫市交通管理局宣布新規。", [("云岫市交通管理局", "government")]),
    ("6月20日，云岫市交通运输局举办授牌活动。", [("云岫市交通运输局", "government")]),
    ("会上，中共云岫市委员会与云岫市投资促进局、北辰市农业农村局签约。",
     [("中共云岫市委员会", "government"), ("云岫市投资促进局", "government"),
      ("北辰市农业农村局", "government")]),
    # a long legal name, a partnership without its legal form, a kind of firm before a name
    ("其执行事务合伙人为成都云岫产业引导股权投资基金管理有限公司。",
     [("成都云岫产业引导股权投资基金管理有限公司", "company")]),
    ("它还担任湖南云岫常勤特殊机会股权投资合伙企业基金管理人。",
     [("湖南云岫常勤特殊机会股权投资合伙企业", "investor")]),
    ("王一离职后成立新公司北辰資本。", [("北辰資本", "investor")]),
    ("The parts come from Lunaria Semiconductor, Inc., Acme Chips and Tidewater Robotics.",
     [("Lunaria Semiconductor, Inc.", "company"), ("Acme Chips", "company"),
      ("Tidewater Robotics", "company")]),
    # a list that runs into a clause ends there: its trades are no firms
    ("蔚来、国轩高科、星渚科技和青岚动力分别是高端智能电动汽车、锂离子动力电池研发生产、"
     "专业存储器封装测试行业的领军企业。", [("星渚科技", "company")]),
    # a name that goes on after its organisation word is not cut there
    ("Lumen Investment (Shanghai) Private Equity Fund Management Co said.",
     [("Lumen Investment (Shanghai) Private Equity Fund Management Co", "company")]),
    # a partnership, and a long legal name in English
    ("It invested through Shanghai Lunaria Hengyue Technology Partnership, a filing showed.",
     [("Shanghai Lunaria Hengyue Technology Partnership", "company")]),
    ("In Shanghai, the Shanghai Tidewater Intelligence Innovation Venture Investment Partnership "
     "closed its fund.",
     [("Shanghai Tidewater Intelligence Innovation Venture Investment Partnership", "company")]),
    # a photo credit that names a body: its kind is the body's
    ("向日葵是一年生草本植物(圖/云岫市政府工務局)。", [("云岫市政府工務局", "government")]),
    ("Lunaria Semiconductor (Hefei) Co., Ltd., Tidewater Semiconductor, Inc. and Acme Co. "
     "will list.", [("Lunaria Semiconductor (Hefei) Co., Ltd.", "company"),
                    ("Tidewater Semiconductor, Inc.", "company"), ("Acme Co.", "company")]),
    # a body's officers and its part in an event tell a weak suffix is a name
    ("她是云岫数学会常务理事、星渚密码学会副理事长。",
     [("云岫数学会", "other"), ("星渚密码学会", "other")]),
    ("会议由云岫地理学会主办，星渚市科协协办。", [("云岫地理学会", "other"), ("星渚市科协", "other")]),
    # firms named for their trade, bureaus' branches, offices, councils, schools, museums
    ("云岫航空公司、星渚铁路总公司和青岚运输公司均受到影响。",
     [("云岫航空公司", "company"), ("星渚铁路总公司", "company"), ("青岚运输公司", "company")]),
    ("云岫市公安局星渚区分局发布通报。", [("云岫市公安局星渚区分局", "government")]),
    ("云岫市互联网信息办公室召开会议，星渚市议会通过决议。",
     [("云岫市互联网信息办公室", "government"), ("星渚市议会", "government")]),
    ("云岫市青岚高级中学与星渚公安博物院合作。",
     [("云岫市青岚高级中学", "other"), ("星渚公安博物院", "other")]),
    ("他曾获得云岫唱片公司的大奖。", [("云岫唱片公司", "company")]),  # not 得云岫唱片公司
    ("途中经过云岫纪念馆，继续前行。", [("云岫纪念馆", "other")]),  # not 过云岫纪念馆
    # a name word that starts with a stop character; a school by its head; a zone's office
    ("她到北京同仁医院检查，云岫市星渚中学校长也来了。",
     [("北京同仁医院", "other"), ("云岫市星渚中学", "other")]),
    ("区发改局和区招商办负责人陪同调研。", [("区发改局", "government"), ("区招商办", "government")]),
    # 有 and 发展 inside legal names; Taiwan listings of firms registered abroad; a bank's branch
    ("北京星渚万有科技有限公司与南京云岫科技发展有限公司签约。",
     [("北京星渚万有科技有限公司", "company"), ("南京云岫科技发展有限公司", "company")]),
    ("供應鏈包括云岫-KY、星渚-KY等廠商。", [("云岫-KY", "company"), ("星渚-KY", "company")]),
    ("由工行云岫分行联动多家机构发起。", [("工行云岫分行", "company")]),
    # examples a kind of firm introduces; a name after a kind of supplier; a firm's round
    ("一众新兴玩家如云岫、星渚毫米波、青岚智杰等也相继布局。",
     [("云岫", "company"), ("星渚毫米波", "company"), ("青岚智杰", "company")]),
    ("方案供应商上海云岫伙伴智能驾驶有限公司宣布融资。", [("上海云岫伙伴智能驾驶有限公司", "company")]),
    ("多家机构联合领投了星渚科技的Pre-A轮。", [("星渚科技", "company")]),
    ("文章來源:云岫觀察公眾號", [("云岫觀察", "media")]),  # the account, not its kind
    # energy firms by their trade word in a list; a fund family; a name after a kind of firm
    ("订单来自云岫新能源、星渚电源、青岚储能等。",
     [("云岫新能源", "company"), ("星渚电源", "company"), ("青岚储能", "company")]),
    ("青禾资本系基金与星渚医疗签约。", [("青禾资本", "investor")]),
    ("HDI龍頭星渚科技、鑽針廠商青岚科技等都來了。", [("星渚科技", "company"), ("青岚科技", "company")]),
    ("（圖／云岫市氣象局提供）", [("云岫市氣象局", "government")]),
    # a township office, a scenic area's office, a planetarium, a guild, a city's state assets
    ("云岫鄉公所與星渚海岸國家風景區管理處合辦，青岚天文館與云岫市電腦公會協辦。",
     [("云岫鄉公所", "government"), ("星渚海岸國家風景區管理處", "government"),
      ("青岚天文館", "other"), ("云岫市電腦公會", "other")]),
    ("云岫省国资委与星渚大学共同发起基金。", [("云岫省国资委", "government"), ("星渚大学", "university")]),
    # a city's commissions, a fund company, 发展 inside names, national centres, alliances
    ("云岫市发展和改革委员会、云岫市卫生健康委员会与星渚协同振兴股权投资基金公司签约。",
     [("云岫市发展和改革委员会", "government"), ("云岫市卫生健康委员会", "government"),
      ("星渚协同振兴股权投资基金公司", "investor")]),
    ("云岫市产业发展投资引导基金与星渚发展集团签约。",
     [("云岫市产业发展投资引导基金", "investor"), ("星渚发展集团", "company")]),
    # a city's bodies by the city's name alone, research and supercomputing centres
    ("上海市委与北京证监局联合发文。", [("上海市委", "government"), ("北京证监局", "government")]),
    ("云岫物流機械人研究中心與星渚超算中心合作。",
     [("云岫物流機械人研究中心", "university"), ("星渚超算中心", "other")]),
    # a hyphen before a legal name; capital that is managing, not managed
    ("星渚大学武汉院-云岫医药集团股份有限公司联合实验室揭牌。",
     [("星渚大学", "university"), ("云岫医药集团股份有限公司", "company")]),
    ("信宸資本與遠信資本投資管理公司都來了。", [("信宸資本", "investor"), ("遠信資本", "investor")]),
    ("国家星渚光电子创新中心与云岫省人工智能产业创新联盟合作。",
     [("国家星渚光电子创新中心", "other"), ("云岫省人工智能产业创新联盟", "other")]),
    # a branch by its firm's legal name; an English asset manager
    ("投資案包含云岫企業股份有限公司南科分公司。", [("云岫企業股份有限公司南科分公司", "company")]),
    ("said a fund manager at Northwind Wealth Management in Shanghai.",
     [("Northwind Wealth Management", "investor")]),
    # a city's traffic police and farm bureau, a fire station, a farmers' association, a long
    # association's name, names holding 和平 and 都市
    ("同时云岫市公安交管局为三家企业发放牌照；星渚市府農業局統計災損。",
     [("云岫市公安交管局", "government"), ("星渚市府農業局", "government")]),
    ("新村消防中队接报后赶到；和平區農會指出災情嚴重。",
     [("新村消防中队", "government"), ("和平區農會", "other")]),
    ("星渚市農業觀光產業發展協會理事長表示，梨園受損。", [("星渚市農業觀光產業發展協會", "other")]),
    ("与云岫都市圈长江产业投资基金签约。", [("云岫都市圈长江产业投资基金", "investor")]),
    # a source's date, a byline after 文/, a verb of subscribing, a city's disease control
    ("据云岫日报5月4日报道，公司上市。", [("云岫日报", "media")]),
    ("文/星渚视界 张某", [("星渚视界", "media")]),
    ("以等值外幣認購云岫股份有限公司增資股份。", [("云岫股份有限公司", "company")]),
    ("星渚市疾控中心发布预警。", [("星渚市疾控中心", "government")]),
    # an English name with a Chinese word glued on in a Chinese list
    ("國際供應商Northwind、Bosch、Lunaria正與NVIDIA、Qualcomm合作。",
     [("Northwind", "company"), ("Lunaria", "company")]),
    # firms named after the kind of maker or provider they are, in a list; a person among
    # investors; a bureau whose name holds 与
    ("包括智能雷達製造商星渚感知、財稅解決方案提供商云岫算賬、污水處理服務提供商青嵐美環境科技，"
     "以及支付服務供應商連雲數字。",
     [("星渚感知", "company"), ("云岫算賬", "company"), ("青嵐美環境科技", "company"),
      ("連雲數字", "company")]),
    ("投资方包括徕木股份、路友创投、元真创投、红秀资本、星渚智造及天使投资人费某等。",
     [("徕木股份", "investor"), ("路友创投", "investor"), ("元真创投", "investor"),
      ("红秀资本", "investor"), ("星渚智造", "investor")]),
    ("当日下午，云岫区海洋与渔业局接到报告。", [("云岫区海洋与渔业局", "government")]),
    # a source's own verb of telling; a list after a verb of helping
    ("据云岫科技披露的数据计算，收益可观。", [("云岫科技", "company")]),
    ("已協助星渚電子、世界先進、聯發科、穩懋等台廠投入。", [("星渚電子", "company")]),
    # an English name in brackets is the other name of the one before it; a JV partner; a list
    # item that co-hosts
    ("其合资伙伴云岫投资有限公司(Haboat Investment)和星渚投资。", [("云岫投资有限公司", "company")]),
    ("由經濟及科技發展局與星渚中國合辦、科學技術發展基金支持的交流團。",
     [("星渚中國", "government"), ("科學技術發展基金", "investor")]),
    # a name's other name in brackets after it, in either script or as its short name; calling
    # on a firm, sending it something for the first time
    ("包括NORTHWIND HOLDINGS LIMITED(星渚控股有限公司)以及个人LP。",
     [("NORTHWIND HOLDINGS LIMITED", "company")]),
    ("投资界获悉，东莞云岫二期创业投资合伙企业(有限合伙)(简称“云岫二期创业基金”)新增股东。",
     [("东莞云岫二期创业投资合伙企业", "investor")]),
    ("日前拜會星渚集團執行長，並首度送上云岫集團開發的樣品。",
     [("星渚集團", "company"), ("云岫集團", "company")]),
    # a place's body of a trade, though place and trade alone are kinds of thing
    ("与香港人工智能协会、中国智慧城市产业联盟合作。",
     [("香港人工智能协会", "other"), ("中国智慧城市产业联盟", "other")]),
    # a law firm by its ending
    ("星渚律师事务所代理此案。", [("星渚律师事务所", "other")]),
    # officials in a list are no items of it, nor is our city's committee
    ("在云岫市副市长张某、星渚市政府副秘书长吴某、我市市委书记曹某等领导见证下签约。",
     [("星渚市政府", "government")]),
])
def test_names_outside_the_catalog_are_found(classifier: Classifier, text: str,
                                             expected: list[tuple[str, str]]) -> None:
    assert found(classifier, text) == expected


@pytest.mark.parametrize("text", [
    "公司表示，人工智能技术与汽车行业的结合正在加速。",  # field words, not names
    "社会资本和国有资本都在加大投入，耐心资本尤其重要。",  # kinds of capital, not firms
    "多家基金参与了本轮，相关科技企业也在观望。",
    "我们坚持自主研发核心技术，持续打磨产品。",
    "总规模500亿元，分为100亿元的设备基金和400亿元的应用基金。",  # tranches, not firms
    "展会上有H2机器人，以及多款人形机器人、双足机器人亮相。",  # models and kinds of robot
    "市场带动社会资本进入，政府设立引导基金，PE基金和美元基金也在观望。",
    "Chinese technology firms use AI technologies. In robotics, costs fell.",
    "据不完全统计，本报记者走访了多家企业。",
    # generic words before an organisation word, as general news writes them
    "骗子冒充银行客服，要求提供银行卡号；老人不太懂得网上银行操作。",
    "金融科技、存款保险和养老基金都在讨论之列，偏股型基金与明星私募也受关注。",
    "下一步，我区将在市委市政府的领导下推进工作。",
    # sources that name no one: a region's press, a department, a spokesperson
    "据台媒报道，演出将推迟。据港媒刚刚消息，他已出狱。",
    "对此，青岚方面相关负责人向记者表示，项目正常推进。据交管部门统计，车流减半。",
    # verbs and kinds of hospital, school or court before the organisation word
    "他带着孩子去过许多医院，也问过哪家医院最好；应急医院和定点医院都已启用。",
    "调查结果应当随案移送人民检察院，或由上一级人民检察院决定。",
    "孩子们终于学会了游泳，这所学校的初中学生也来了。",
    "The Chinese government said it would respond.",
    # a person's byline, a maker's quote
    "文丨王一\n今年以来，机器人赛道持续升温。",
    "多家厂商报价不一，下游观望。",
    # a gathering, kinds of fund, a duty to obey securities rules
    "峰会汇聚众多创投机构，详细解析其核心子基金的动向；公募基金也来了。",
    "标的公司需遵守证券监管机构的规定。",
    "现任公司创始人王一表示，加上创始人自带的资金，规模可观；研究中心创始人也来了。",
    "女性创始人越来越多，连续创始人也不少。",
    # whichever dollar fund, this round's lead, another one, kinds of hospital and of venture arm
    "无论美元基金还是人民币基金都在观望；另一位投资人说，基层医院和企業創投也在看。",
    # a country's investors and banks, kinds of robot and fund, every university, a verb
    "美国投资者纷纷入场，中国投行也在观望，欧美国投资人也来了。",
    "非人形服务机器人、市场化基金与成长基金都有，每所指定大学都在看；广纳全球机器人人才。",
    "两支新设子基金已签约，管理机构为投资管理有限公司。",
    # lists: a person among investors, countries, a word before a hyphen, verbs after the last
    "跟投的有阿里、腾讯、红杉中国、王某某(个人)等老股东。",
    "许多欧盟国家、美国和澳大利亚都发布了指引。",
    "华为、腾讯、RISC-V芯片企业都来了。",
    "阿里、腾讯和红杉中国分别完成了出资。",
    "工业互联网发布会上，国家电网发布消息。",  # a network, not a site
    "The show was held in the southern city of Lunaria last week.",  # a place, not a body
    "地方政府债务问题仍需关注，数字政府建设也在提速。",  # kinds of government
    "根据实测数据显示，该芯片性能提升。",  # 根据: not a source
    "总规模1000亿元，最终形成1000亿级基金，当地三大先导产业母基金也已设立。",
    # kinds of fund and verbs before an organisation word, in both scripts
    "國資產業基金和长线基金都在加仓，顶级创投也在观望。",
    "门头沟将吸纳社会资本，布局一批专业化子基金。",
    "我觉得正规出版社的书更可靠；智能网联汽车是重点。",
    "Corporate Venture Capital arms are active.",
    "学生们正在学习电气工程。",
    "China Industry\n\nMoney is chasing start-ups.",  # a section's heading
    "该公司无控股股东，数项重磅基金相继落地，建立基金的计划涵盖本地大学。",
    "上述三只母基金与产学研实验室的注册资本已到位，量化私募和大陆资本也在关注。",
    "配送机器人和自动驾驶汽车由公司的控股子公司运营。",
    "AI Robotics and Strategic Investment are growing fields.",
    "港投肩负耐心资本的使命，拉动私营资本参与，聚焦硬科技、生命科技。",
    "建议配置货币基金和纯债基金；合并将形成“技术-资本-产业”循环。",
    "机器人担任记者角色；“新浪潮”这个词最早来自法国女记者。",
    "ByteDance Eyes $2.4B Investment in Lunaria",  # an amount, not a name
    "“视频生成大模型”角逐资本市场；我们有两路记者分别前往。作者:未知 来源:网络转载",
    "在CVC创投周开幕之际，围绕人形机器人的争论很多；《礼记•大学》中有言。",
    "合辦實驗室與未來實驗室都已啟用；建成行业首个金融科技实验室，多年位列证券业榜首。",
    # a fund's holder or tranche, a verb before 基金
    "作为云岫市新设立的市属母基金，首期规模百亿。由大基金主導的第三期基金近日出手。",
    "去年园区设立百亿母基金,进一步形成基金促进产业的格局;这些基金正在密集披露子基金参股情况。",
    "此项投资亦象徵三期基金将加快布局;正是有这样的领导集团,才得以成事。",
    "另有财务资本跟投，瞄准千亿级市场化基金；料可鼓勵大學科研轉化，創立全港首家AI研究院。",
    # a headline's words, a hyphenated word, kinds of robot, fund and source
    "What's the Big Deal About Embodied Intelligence?\nShaping the Future of Humanoid Robotics.",
    "It earned its National-Local Co-construction status last year.",
    "大基金三期是推动产业链发展的重要母基金之一。據供應鏈消息人士透露，訂單已下。",
    "該項目是首個與本港大學共同開展的科研項目。",  # the territory's universities
    "交通管理局也同意，市场监督管理局和药品监督管理局也来了。",  # kinds of bureau
    "交通运输局发布通知；统筹整合基金资源；面向城区智驾场景的芯片，高阶智驾芯片市场。",
    "Lunaria adds Beijing, Shenzhen government funds as shareholders.",
    "作为最早领投天使轮的机构，它收获颇丰。当诸多创投机构激烈争夺时，公司要接住资本的热度。",
    "其中一個基金籌資完成；京蒙对口协作区政府领导出席；当地三大先导产业母基金已设立。",
    # a fund's manager, kinds of fund, verbs before a name, a regulation's title
    "旨在筛选优质基金管理人；它作为中标基金管理人，国资LP普遍期望基金管理人经验丰富。",
    "我们关注硬科技；它间接控股存储企业；资金用於添購先進半導體；重磅|上海成立人工智能产业投资基金。",
    "It falls under the Measures for the Administration of Major Asset Reorganizations.",
    "为此应运而生的机构，如公學校、移民廳都已设立。",
    "粤港澳大湾区此类基金主要在广州设立；银行系资本与银行系长期资本；为新区筑牢资本根基。",
    "這是汽車產業資本對具身智能企業的最大投資。",
    # a headline's last words are no part of a name on the next line
    "Lunaria's Robotics Startups Raise Huge Rounds\nCapital is flooding into robots.",
    # verbs and fields before an organisation word, parties, numbers that count
    "高瓴在教育领域连续出手领投；四是連結本地大學；涵蓋醫療科技、量子科技。",
    "根据移动机器人行业的报告；若未登入\"個人新聞台帳號\"則看不到回覆。",
    "本轮投资方与交易对手方之间，地方政府投资基金、地方国资母基金和关联方都未参与。",
    "三大基金、一些基金与两张银行卡；多少山区中学在等；三檔子基金和一般創投都来了。",
    # an office, a committee, a council as words; a kind of body as a list item
    "他在办公室里说，议会选举和审议委员会都推迟了；双方签署合作协议。",
    "对县级以上人民政府、监察委员会、人民法院、人民检察院、常务委员会进行监督。",
    "美国国会及行政当局中国委员会的主席发言。",
    # a branch of a firm named before it, trends, kinds of fund and press, a verb of relying
    "中国平安保险（集团）股份有限公司深圳分公司开业。",
    "这不仅折射出资本的押注；它们都仰賴政府與大型企業的資金；审议本级监察委员会的报告。",
    "啟明創投下調AI與醫療新創基金規模；僅非正式出版社出版的樣本；客户包括中国头部电网集团。",
    "Risk Management and Asset Management are topics of the course.",
    # what an investor values, capitalists, securitisation, the first fund of its kind, what a
    # fund relies on, counts of funds, a fund's field, a pilot scheme, a development fund
    "作为最早的投资人，看重创始人的视野。战士们说：“打倒资本家！”商业航天资产证券化升温。",
    "福建省首只AIC股权投资基金；基金依托股权投资基金的属性；随着基金即将投入运作。",
    "政府篩選出五個風投基金；一共接獲 14 個風投基金的申請；專門投資生物科技及其子領域。",
    "关于扩大金融资产投资公司股权投资试点的通知；推动发展基金设立。",
    # a cut legal form in a list, capital's attention and plans, a person, who joined a round
    "当中包括深圳華大基因科技有限公司、華潤科學技術研究院和北京大學等。",
    "该公司在行业内深受资本关注，他自大学毕业后一直创业；多家企业、机构跟投；时创意资本规划加速。",
    "上周基金重点事件回顾；此次发布基金；成为首批中央企业创投母基金；形成央企资本与产业龙头的协同。",
    "包括生命健康科技、人工智能；成立第一個校友VC投資基金，推動校友投資學校。",
    "智元机器人发布远征A2人形机器人；宇树科技今日发布新一代人形机器人。",
    # kinds of energy and capital, a batch of sub-funds, a database credited as a source
    "我们要发展新能源，清洁能源、可再生能源都重要；凭借其雄厚資本；这批子基金规模约65亿元。",
    "(資料來源:臺灣食品成分資料庫)",
    # a contest in quotes, ways of investing, counts and kinds of fund and firm
    '科技公司"军备竞赛",硬件巨头收入攀升；聊天机器人、戏曲机器人都来了。',
    "高校纷纷下场设基金；这只母基金；前沿探索子基金；新能源等专业子基金；采用母子基金模式；"
    "开始涉足股权投资，以市场化方式开展股权投资。",
    "新創面臨資本寒冬；南部辦公室成立；已投資114家國內創投；活動邀請四位創投；透過台灣半導體。",
    # joining hands, the first of its kind, a duty, a website's data, development, a bare centre
    "双方携手合作；该项目是云岫市首个政府与民营企业合作的项目；市政府负责引导基金的设立。",
    "据网站访问数据监测平台统计；推动经济高质量发展集团化；国家创新中心。",
    # a list that runs into 均, meeting capital, a wave of it
    "华为、中兴、爱立信、诺基亚和大唐均中标；卻遇上資本額18倍的挑戰者；透视资本浪潮的势能。",
    "实现A+H股双资本平台的企业；一众资本纷纷入局；数码科技、智能硬件都在涨。",
    # a person or a prospectus as a source, a source's figures, asterisks for a name, a kind
    # of investor leading a round
    "據他自己統計，來源：招股书。据星渚交易宝的新股孖展数据，认购踊跃。",
    "其中，富途证券、云岫国际、**证券分别放出贷款。前三轮融资都是由VC机构领投。",
    # the first of its kind, this new fund, fields, ways of investing, going back to university
    "他開辦北臺灣第一間西式醫院。今次新基金將聚焦乃至宇宙科技等賽道，採取母基金模式，團隊回歸大學。",
    # launching a series, an era calling, founders of firms in general
    "后续将推出银行信创系列；时代呼唤硬科技；匯聚全球科創企業創始人。",
    # committed, policy and industry capital; the giants of a trade as investors
    "C轮融资所获承诺资本已超10亿美元；高通创投等行业巨头参投；形成政策引导资本、产业协同资本三位一体。",
    # this sum of capital, a quarter's venture money, a field, a share of it
    "这笔新资本将用于扩大车队。第2季創投金額增加，航太科技受青睞，占全球創投比重上升。",
    # a press conference's reporters, a person credited for a photo
    "今日舉行「智慧機器人應用 SIG 成立記者會暨論壇」。（圖／生態記錄者胡先生提供）",
    # venture firms in general, hoping, building a high-level centre
    "他期盼實驗室能更融入設計；搭建高水平超算中心；簽署單位包括相關創投機構。",
    # a property developer doing something, providers in general
    "小区陆续出现开发商擅改大门建设方案、绿化缩水等问题。芯片供应商众多，服务商较少。",
    # verbs before a bank or a hospital, virtual banks
    "以信息技术变革引领银行再造；构建智慧银行；提升醫院的照護效率；香港虛擬銀行路在何方。",
])
def test_phrases_that_only_look_like_names_are_not(classifier: Classifier, text: str) -> None:
    assert found(classifier, text) == []


def test_a_place_in_an_english_list_is_no_organisation(classifier: Classifier) -> None:
    names = [name for name, _ in found(
        classifier, "Robotaxis run in the United States, while in China, Baidu, Pony.ai and "
                    "Lunaria, say analysts.")]
    assert "China" not in names and "Lunaria" in names


def test_catalog_names_are_mentions_not_discoveries(classifier: Classifier) -> None:
    labels = classifier.classify("本轮由红杉中国领投，MiniMax参与。")
    assert "hongshan" in labels.company_ids and labels.discovered == ()
