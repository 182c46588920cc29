"""What the ``populate`` generator draws from: names in Arabic and English by nationality group
and gender, the nationality and region mixes, cities per servicing office, economic
activities with their occupations, wage levels.

Figures are rounded public statistics where RULES.md §10 gives them (23 % Saudi, Riyadh 49 %,
Eastern 2.5 of 13.2 million, Makkah 2.2 of 13.2 million); the rest are plausible shapes (a
heavy-tailed establishment size, log-normal wages), good enough for volumes, searches and
screens, never for statistics. Every name pair is ``(English, Arabic)``.
"""

from __future__ import annotations

from dataclasses import dataclass

Name = tuple[str, str]


@dataclass(frozen=True)
class NameGroup:
    """Given names by gender and family names of one group of nationalities.

    ``four_part``: Arab naming (first, father, grandfather, family) is always written out;
    other groups usually carry the father's name only. ``family_female``: family names only
    women carry (Bangladeshi Akter, Khatun)."""

    male: tuple[Name, ...]
    female: tuple[Name, ...]
    family: tuple[Name, ...]
    four_part: bool = False
    family_female: tuple[Name, ...] = ()


def _names(text: str) -> tuple[Name, ...]:
    """``"Mohammed محمد; Sara سارة"`` → ``(("Mohammed", "محمد"), ("Sara", "سارة"))``: the English
    part is the leading Latin words, the Arabic part the rest."""
    pairs: list[Name] = []
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        words = item.split(" ")
        latin = [w for w in words if w.isascii()]
        arabic = [w for w in words if not w.isascii()]
        pairs.append((" ".join(latin), " ".join(arabic)))
    return tuple(pairs)


SAUDI_MALE = _names(
    "Mohammed محمد; Abdullah عبدالله; Abdulrahman عبدالرحمن; Ahmed أحمد; Khalid خالد; Fahad فهد;"
    "Saud سعود; Sultan سلطان; Faisal فيصل; Turki تركي; Nasser ناصر; Saad سعد; Omar عمر; Ali علي;"
    "Ibrahim إبراهيم; Abdulaziz عبدالعزيز; Majed ماجد; Bandar بندر; Nawaf نواف; Yousef يوسف;"
    "Hamad حمد; Mishal مشعل; Mansour منصور; Badr بدر; Talal طلال; Waleed وليد; Hassan حسن;"
    "Hussain حسين; Abdulmajeed عبدالمجيد; Rayan ريان; Ziyad زياد; Meshari مشاري; Nayef نايف;"
    "Saleh صالح; Sami سامي; Adel عادل; Tariq طارق; Hani هاني; Yasser ياسر; Mazen مازن; Osama أسامة;"
    "Raed رائد; Anas أنس; Hamza حمزة; Mutlaq مطلق; Fawaz فواز; Abdulelah عبدالإله; Othman عثمان;"
    "Sulaiman سليمان; Jaber جابر; Musaed مساعد; Ayman أيمن; Ammar عمار; Muhannad مهند; Rakan راكان;"
    "Salman سلمان; Haitham هيثم; Zaid زيد; Qasim قاسم; Abdulkarim عبدالكريم; Mohsen محسن; Eid عيد"
)
SAUDI_FEMALE = _names(
    "Nora نورة; Sara سارة; Fatimah فاطمة; Aisha عائشة; Maha مها; Reem ريم; Hind هند; Lama لمى;"
    "Amal أمل; Mona منى; Haya هيا; Abeer عبير; Asma أسماء; Khadija خديجة; Latifa لطيفة; Munira منيرة;"
    "Hessa حصة; Jawaher جواهر; Dalal دلال; Nouf نوف; Shahad شهد; Rawan روان; Ghada غادة; Hanan حنان;"
    "Wafa وفاء; Huda هدى; Nada ندى; Arwa أروى; Bushra بشرى; Dana دانة; Jood جود; Lujain لجين;"
    "Razan رزان; Afnan أفنان; Amira أميرة; Samira سميرة; Wejdan وجدان; Manal منال; Areej أريج;"
    "Layla ليلى; Ghadeer غدير; Mashael مشاعل; Modhi موضي; Albandari البندري"
)
SAUDI_FAMILY = _names(
    "Alotaibi العتيبي; Alqahtani القحطاني; Alghamdi الغامدي; Alzahrani الزهراني; Aldosari الدوسري;"
    "Alshammari الشمري; Alharbi الحربي; Almutairi المطيري; Alanazi العنزي; Alshehri الشهري;"
    "Alsubaie السبيعي; Alomari العمري; Almalki المالكي; Alrashidi الرشيدي; Aljohani الجهني;"
    "Alasiri العسيري; Alyami اليامي; Altamimi التميمي; Alshahrani الشهراني; Albalawi البلوي;"
    "Alruwaili الرويلي; Alqurashi القرشي; Albogami البقمي; Althubaiti الثبيتي; Alsaedi الصاعدي;"
    "Alharthi الحارثي; Alfaifi الفيفي; Alsahli السهلي; Alkhaldi الخالدي; Alahmadi الأحمدي;"
    "Alshamrani الشمراني; Alhazmi الحازمي; Almarri المري; Alhajri الهاجري; Alkhamis الخميس;"
    "Alshaikh الشيخ; Alrashed الراشد; Alothman العثمان; Alhamdan الحمدان; Alfahad الفهد;"
    "Almousa الموسى; Alsuwailem السويلم; Albaker البكر; Alnasser الناصر; Alomran العمران;"
    "Alsultan السلطان; Aldawood الداود; Almazrou المزروع; Alturki التركي; Alsharif الشريف;"
    "Hawsawi هوساوي; Fallatah فلاتة; Barnawi برناوي; Bukhari بخاري; Kurdi كردي; Khayyat خياط;"
    "Jamjoom جمجوم; Nasief نصيف; Alattas العطاس; Baeshen باعشن; Alamoudi العمودي; Alshareef الشريف;"
    "Almohammadi المحمدي; Alsulami السلمي; Alluhaidan اللحيدان; Aldakhil الدخيل; Alobaid العبيد"
)
GCC_FAMILY = _names(
    "Almazrouei المزروعي; Alnuaimi النعيمي; Alshamsi الشامسي; Alketbi الكتبي; Aldhaheri الظاهري;"
    "Alazmi العازمي; Alajmi العجمي; Alenezi العنزي; Almannai المناعي; Albalushi البلوشي;"
    "Alhinai الهنائي; Alrawahi الرواحي; Alsaadi السعدي; Alkuwari الكواري; Alsulaiti السليطي;"
    "Alkaabi الكعبي; Almarri المري; Alhajri الهاجري; Aldoseri الدوسري; Alharthy الحارثي"
)
EGYPT_MALE = _names(
    "Mohamed محمد; Ahmed أحمد; Mahmoud محمود; Mostafa مصطفى; Ibrahim إبراهيم; Hassan حسن;"
    "Hussein حسين; Tarek طارق; Amr عمرو; Karim كريم; Sherif شريف; Hany هاني; Ayman أيمن; Wael وائل;"
    "Ashraf أشرف; Hisham هشام; Emad عماد; Sameh سامح; Essam عصام; Walid وليد; Khaled خالد;"
    "Osama أسامة; Mina مينا; Girgis جرجس; Bishoy بيشوي; Magdy مجدي; Sayed سيد; Reda رضا;"
    "Gamal جمال; Nabil نبيل; Samir سمير; Adel عادل"
)
EGYPT_FEMALE = _names(
    "Fatma فاطمة; Mariam مريم; Nour نور; Heba هبة; Mona منى; Rania رانيا; Dina دينا; Yasmin ياسمين;"
    "Amira أميرة; Eman إيمان; Marwa مروة; Shaimaa شيماء; Aya آية; Doaa دعاء"
)
EGYPT_FAMILY = _names(
    "Abdelrahman عبدالرحمن; Elsayed السيد; Hassan حسن; Ibrahim إبراهيم; Mahmoud محمود;"
    "Mostafa مصطفى; Abdelaziz عبدالعزيز; Farouk فاروق; Salem سالم; Shaker شاكر; Ashour عاشور;"
    "Elmasry المصري; Fahmy فهمي; Naguib نجيب; Soliman سليمان; Ramadan رمضان; Elshafei الشافعي;"
    "Hegazy حجازي; Zaki زكي; Youssef يوسف; Mansour منصور; Abdallah عبدالله; Gaber جابر; Saad سعد;"
    "Hamdy حمدي; Fawzy فوزي; Kamel كامل; Abdelhamid عبدالحميد"
)
LEVANT_MALE = _names(
    "Mohammad محمد; Ahmad أحمد; Omar عمر; Khaled خالد; Ali علي; Yazan يزن; Laith ليث; Rami رامي;"
    "Fadi فادي; Samer سامر; Bassam بسام; Ziad زياد; Ghassan غسان; Nidal نضال; Imad عماد; Firas فراس;"
    "Hadi هادي; Tamer تامر; Majd مجد; Anas أنس; Mahmoud محمود; Hussam حسام; Basel باسل; Mousa موسى"
)
LEVANT_FEMALE = _names(
    "Rana رنا; Lina لينا; Hala هلا; Dima ديما; Ruba ربى; Reem ريم; Sawsan سوسن; Maysa ميساء;"
    "Noor نور; Lana لانا; Rasha رشا; Razan رزان; Tala تالا"
)
LEVANT_FAMILY = _names(
    "Haddad حداد; Khoury خوري; Nasser ناصر; Awad عوض; Saleh صالح; Khalil خليل; Qasem قاسم;"
    "Hamdan حمدان; Odeh عودة; Masri مصري; Nabulsi نابلسي; Halabi حلبي; Shami شامي; Issa عيسى;"
    "Darwish درويش; Alzoubi الزعبي; Obeidat عبيدات; Alrawashdeh الرواشدة; Barakat بركات; Jaber جابر;"
    "Hijazi حجازي; Attar العطار; Sabbagh صباغ; Abuzaid أبوزيد; Alani العاني; Aljuboori الجبوري"
)
YEMEN_MALE = _names(
    "Mohammed محمد; Abdullah عبدالله; Ali علي; Ahmed أحمد; Saleh صالح; Abdo عبده; Nabil نبيل;"
    "Fuad فؤاد; Adel عادل; Hamoud حمود; Mutahar مطهر; Yahya يحيى; Abdulkarim عبدالكريم;"
    "Nasser ناصر; Mansour منصور; Hisham هشام; Sami سامي; Murad مراد; Faisal فيصل; Qaid قائد;"
    "Ghalib غالب; Abdulwahab عبدالوهاب"
)
YEMEN_FEMALE = _names("Fatima فاطمة; Amina أمينة; Arwa أروى; Bilqis بلقيس; Huda هدى; Sumaya سمية")
YEMEN_FAMILY = _names(
    "Alyamani اليمني; Alhaddad الحداد; Alabsi العبسي; Alsharabi الشرعبي; Alhadrami الحضرمي;"
    "Bamatraf بامطرف; Alamoudi العمودي; Baabbad باعباد; Alshaibani الشيباني; Alaghbari الأغبري;"
    "Almaqtari المقطري; Alsanani الصنعاني; Alwesabi الوصابي; Alkhawlani الخولاني; Alqadhi القاضي;"
    "Alzubairi الزبيري; Bawazir باوزير; Alawlaqi العولقي"
)
SUDAN_MALE = _names(
    "Mohamed محمد; Ahmed أحمد; Osman عثمان; Abdelrahim عبدالرحيم; Elfatih الفاتح; Hassan حسن;"
    "Mustafa مصطفى; Babiker بابكر; Hamid حامد; Salah صلاح; Omer عمر; Abdelmoneim عبدالمنعم;"
    "Awad عوض; Yasir ياسر; Elsadig الصادق; Haidar حيدر"
)
SUDAN_FEMALE = _names("Amna آمنة; Fatima فاطمة; Hawa حواء; Samah سماح; Nafisa نفيسة; Rayan ريان")
SUDAN_FAMILY = _names(
    "Elhassan الحسن; Abdalla عبدالله; Ibrahim إبراهيم; Elamin الأمين; Elsheikh الشيخ; Osman عثمان;"
    "Babiker بابكر; Elbashir البشير; Mahjoub محجوب; Eltayeb الطيب; Hamad حمد; Adam آدم;"
    "Ishag إسحاق; Suliman سليمان; Elnour النور; Elmahdi المهدي; Abdelgadir عبدالقادر; Farah فرح"
)
MAGHREB_MALE = _names(
    "Mohamed محمد; Youssef يوسف; Hamza حمزة; Mehdi مهدي; Amine أمين; Karim كريم; Rachid رشيد;"
    "Said سعيد; Hicham هشام; Nabil نبيل; Anis أنيس; Sofiane سفيان; Bilal بلال; Mokhtar مختار"
)
MAGHREB_FEMALE = _names("Khadija خديجة; Salma سلمى; Imane إيمان; Sara سارة; Nadia نادية; Meriem مريم")
MAGHREB_FAMILY = _names(
    "Benali بن علي; Bennani بناني; Alaoui العلوي; Idrissi الإدريسي; Tazi التازي; Trabelsi الطرابلسي;"
    "Bensalah بن صالح; Mansouri المنصوري; Chaouki شوقي; Belkacem بلقاسم; Saidi السعيدي;"
    "Amrani العمراني; Ouldahmed ولد أحمد"
)
INDIA_MALE = _names(
    "Ravi رافي; Suresh سوريش; Ramesh راميش; Rajesh راجيش; Anil أنيل; Vijay فيجاي; Sanjay سانجاي;"
    "Manoj مانوج; Arun أرون; Deepak ديباك; Sunil سونيل; Prakash براكاش; Santosh سانتوش;"
    "Rakesh راكيش; Ajay أجاي; Mahesh ماهيش; Dinesh دينيش; Ganesh غانيش; Naveen نافين;"
    "Vinod فينود; Sandeep سانديب; Rahul راهول; Amit أميت; Satish ساتيش; Krishna كريشنا;"
    "Murali مورالي; Mohammed محمد; Abdul عبدول; Shameer شمير; Faisal فيصل; Nizar نزار;"
    "Rashid راشد; Anwar أنور; Shihab شهاب; Salim سليم; Irfan عرفان; Joseph جوزيف; Thomas توماس;"
    "George جورج; Mathew ماثيو; Biju بيجو; Shaji شاجي"
)
INDIA_FEMALE = _names(
    "Priya بريا; Anjali أنجالي; Lakshmi لاكشمي; Mary ماري; Sneha سنيها; Divya ديفيا; Reshma ريشما;"
    "Deepa ديبا; Sindhu سيندو; Jessy جيسي; Shiny شايني; Asha آشا; Bindu بيندو; Sumi سومي"
)
INDIA_FAMILY = _names(
    "Kumar كومار; Singh سينغ; Sharma شارما; Nair ناير; Pillai بيلاي; Menon مينون; Reddy ريدي;"
    "Rao راو; Khan خان; Sheikh شيخ; Yadav ياداف; Varghese فارغيز; Thomas توماس; Joseph جوزيف;"
    "Patel باتيل; Das داس; Gupta غوبتا; Verma فيرما; Mishra ميشرا; Ansari الأنصاري; Qureshi قريشي;"
    "Mathew ماثيو; Kurian كوريان; Abraham أبراهام; Naidu نايدو; Iyer آيير; Chauhan تشوهان;"
    "Prasad براساد; Kunju كونجو; Moideen محيي الدين"
)
PAKISTAN_MALE = _names(
    "Muhammad محمد; Ali علي; Ahmed أحمد; Imran عمران; Asif آصف; Bilal بلال; Usman عثمان;"
    "Naveed نويد; Tariq طارق; Zubair زبير; Shahid شاهد; Kashif كاشف; Waqas وقاص; Fahad فهد;"
    "Hamza حمزة; Arshad أرشد; Javed جاويد; Nadeem نديم; Rizwan رضوان; Sajid ساجد; Zahid زاهد;"
    "Akhtar أختر; Iftikhar افتخار; Aamir عامر; Gul غل; Noor نور"
)
PAKISTAN_FEMALE = _names(
    "Ayesha عائشة; Fatima فاطمة; Sana ثناء; Nadia نادية; Saima صائمة; Amna آمنة; Rabia رابعة"
)
PAKISTAN_FAMILY = _names(
    "Khan خان; Ahmed أحمد; Hussain حسين; Butt بت; Malik ملك; Chaudhry تشودري; Qureshi قريشي;"
    "Raza رضا; Iqbal إقبال; Shah شاه; Abbasi عباسي; Mirza ميرزا; Baig بيغ; Awan أعوان;"
    "Siddiqui صديقي; Javed جاويد; Aslam أسلم; Akram أكرم; Afridi أفريدي; Yousafzai يوسفزاي;"
    "Niazi نيازي; Bhatti بهاتي; Rajput راجبوت; Gill غيل; Durrani دراني; Popalzai بوبلزاي"
)
BANGLADESH_MALE = _names(
    "Mohammad محمد; Abdul عبدول; Rahim رحيم; Karim كريم; Shafiqul شفيقول; Jahangir جهانغير;"
    "Alamgir عالمغير; Rafiqul رفيقول; Aminul أمينول; Kamal كمال; Jamal جمال; Habib حبيب;"
    "Sohel سهيل; Rubel روبل; Shahin شاهين; Masud مسعود; Mizanur ميزانور; Mostafa مصطفى;"
    "Abul أبول; Nurul نورول; Sumon سومون; Delwar دلوار; Monir منير; Rohim روهيم"
)
BANGLADESH_FEMALE = _names(
    "Nasrin نسرين; Shirin شيرين; Rokeya رقية; Fatema فاطمة; Taslima تسليمة; Shamima شميمة"
)
BANGLADESH_FAMILY = _names(
    "Hossain حسين; Rahman رحمن; Islam إسلام; Ahmed أحمد; Uddin الدين; Miah ميا; Sarker سركار;"
    "Chowdhury تشودري; Sheikh شيخ; Mollah ملا; Talukder تالوكدار; Mondal موندال; Bhuiyan بويان;"
    "Alam عالم; Haque حق; Ullah الله"
)
BANGLADESH_FAMILY_FEMALE = _names("Akter أختر; Khatun خاتون; Begum بيغوم")
NEPAL_MALE = _names(
    "Ram رام; Hari هاري; Krishna كريشنا; Bishnu بيشنو; Suman سومان; Bikash بيكاش; Dipak ديباك;"
    "Ramesh راميش; Santosh سانتوش; Prem بريم; Raju راجو; Sagar ساغار; Binod بينود; Bahadur بهادور"
)
NEPAL_FEMALE = _names("Sita سيتا; Gita غيتا; Sabina سابينا; Anita أنيتا; Sunita سونيتا")
NEPAL_FAMILY = _names(
    "Thapa ثابا; Gurung غورونغ; Tamang تامانغ; Rai راي; Magar ماغار; Shrestha شريستا;"
    "Adhikari أديكاري; Yadav ياداف; Bhandari بهانداري; Karki كاركي; Limbu ليمبو; Sherpa شيربا;"
    "Chaudhary تشودري; Poudel بوديل; Bhattarai بهاتاراي"
)
SRILANKA_MALE = _names(
    "Nuwan نوان; Chaminda تشاميندا; Kasun كاسون; Pradeep براديب; Ruwan روان; Fazil فاضل;"
    "Mahesh ماهيش; Sampath سامباث"
)
SRILANKA_FEMALE = _names("Dilani ديلاني; Chamari تشاماري; Nadeeka ناديكا; Sanduni ساندوني")
SRILANKA_FAMILY = _names(
    "Perera بيريرا; Fernando فرناندو; Silva سيلفا; Jayasinghe جاياسينغ; Bandara باندارا;"
    "Dissanayake ديساناياكا; Wickramasinghe ويكراماسينغ; Rathnayake راتناياكا"
)
PHILIPPINES_MALE = _names(
    "Jose خوسيه; Juan خوان; Mark مارك; John جون; Michael مايكل; Ronaldo رونالدو; Rodel روديل;"
    "Jerome جيروم; Arnel أرنيل; Romeo روميو; Christian كريستيان; Ryan رايان; Joel جويل;"
    "Edwin إدوين; Rommel روميل; Alvin ألفين; Jayson جايسون; Reynaldo رينالدو"
)
PHILIPPINES_FEMALE = _names(
    "Maria ماريا; Analyn أنالين; Jennifer جينيفر; Maricel ماريسيل; Rowena روينا; Lovely لوفلي;"
    "Grace غريس; Joy جوي; Cristina كريستينا; Jocelyn جوسلين; Marites ماريتس; Rosalie روزالي"
)
PHILIPPINES_FAMILY = _names(
    "Santos سانتوس; Reyes رييس; Cruz كروز; Bautista باوتيستا; Garcia غارسيا; Mendoza ميندوزا;"
    "Delacruz ديلاكروز; Ramos راموس; Aquino أكينو; Villanueva فيلانويفا; Castillo كاستيو;"
    "Fernandez فرنانديز; Gonzales غونزاليس; Torres توريس; Flores فلوريس; Lopez لوبيز;"
    "Rivera ريفيرا; Navarro نافارو; Domingo دومينغو; Soriano سوريانو; Manalo مانالو; Pascual باسكوال"
)
INDONESIA_MALE = _names(
    "Agus أغوس; Budi بودي; Dedi ديدي; Eko إيكو; Hendra هيندرا; Joko جوكو; Rudi رودي;"
    "Slamet سلامت; Wahyu واهيو; Ahmad أحمد; Muhammad محمد"
)
INDONESIA_FEMALE = _names("Siti سيتي; Dewi ديوي; Sri سري; Nur نور; Yuli يولي; Rina رينا; Wati واتي")
INDONESIA_FAMILY = _names(
    "Saputra سابوترا; Hidayat هداية; Santoso سانتوسو; Wijaya ويجايا; Setiawan سيتياوان;"
    "Kurniawan كورنياوان; Susanto سوسانتو; Nugroho نوغروهو; Sari ساري; Rahman رحمن"
)
ETHIOPIA_MALE = _names(
    "Abebe أبيبي; Tesfaye تسفاي; Dawit داويت; Mulugeta مولوغيتا; Yonas يوناس; Solomon سولومون;"
    "Bereket بركت; Henok هينوك; Mohammed محمد; Kedir كدير"
)
ETHIOPIA_FEMALE = _names("Tigist تيجيست; Hirut هيروت; Meron ميرون; Selam سلام; Almaz ألماز; Zainab زينب")
ETHIOPIA_FAMILY = _names(
    "Bekele بيكيلي; Tadesse تاديسي; Haile هايلي; Girma غيرما; Alemu أليمو; Kebede كيبيدي;"
    "Wolde ولدي; Gebre غبري; Mengistu منغيستو; Abdella عبدالله"
)
EASTAFRICA_MALE = _names(
    "John جون; Peter بيتر; Joseph جوزيف; David ديفيد; Brian برايان; Kevin كيفن; Dennis دينيس;"
    "Samuel صموئيل; Abdi عبدي; Hassan حسن"
)
EASTAFRICA_FEMALE = _names("Mary ماري; Faith فيث; Mercy ميرسي; Grace غريس; Esther إستر; Ruth روث")
EASTAFRICA_FAMILY = _names(
    "Otieno أوتيينو; Kamau كاماو; Mwangi موانجي; Ochieng أوتشينغ; Kiprop كيبروب; Njoroge نجوروجي;"
    "Mugisha موغيشا; Okello أوكيلو; Waweru واويرو; Warsame ورسمي; Jama جامع; Farah فارح"
)
WESTAFRICA_MALE = _names(
    "Chinedu تشينيدو; Emeka إيميكا; Oluwaseun أولوسيون; Musa موسى; Ibrahim إبراهيم;"
    "Abubakar أبوبكر; Yusuf يوسف; Aliyu عليو; Mahamat محمد; Moussa موسى; Kwame كوامي"
)
WESTAFRICA_FEMALE = _names("Aisha عائشة; Blessing بليسنغ; Ngozi نغوزي; Hauwa حواء; Aminata أميناتا")
WESTAFRICA_FAMILY = _names(
    "Okafor أوكافور; Adeyemi أديمي; Bello بيلو; Abubakar أبوبكر; Ibrahim إبراهيم; Musa موسى;"
    "Usman عثمان; Diallo ديالو; Traore تراوري; Ndiaye انجاي; Ouedraogo ويدراوغو; Mensah منسه"
)
WESTERN_MALE = _names(
    "John جون; Michael مايكل; David ديفيد; James جيمس; Robert روبرت; Daniel دانيال; Thomas توماس;"
    "Paul بول; Mark مارك; Andrew أندرو; Peter بيتر; Stefan ستيفان; Pierre بيير; Marco ماركو;"
    "Carlos كارلوس"
)
WESTERN_FEMALE = _names(
    "Sarah سارة; Emily إميلي; Jennifer جينيفر; Anna آنا; Laura لورا; Claire كلير; Maria ماريا;"
    "Julia جوليا; Emma إيما"
)
WESTERN_FAMILY = _names(
    "Smith سميث; Johnson جونسون; Brown براون; Williams ويليامز; Miller ميلر; Taylor تايلور;"
    "Wilson ويلسون; Anderson أندرسون; Martin مارتن; Mueller مولر; Schmidt شميدت; Dubois دوبوا;"
    "Rossi روسي; Garcia غارسيا; Ivanov إيفانوف"
)
TURKEY_MALE = _names(
    "Mehmet مهمت; Mustafa مصطفى; Ahmet أحمد; Emre أمره; Murat مراد; Burak بوراك; Hakan هاكان"
)
TURKEY_FEMALE = _names("Ayse عائشة; Elif أليف; Zeynep زينب; Fatma فاطمة")
TURKEY_FAMILY = _names(
    "Yilmaz يلماز; Kaya كايا; Demir دمير; Sahin شاهين; Celik جليك; Ozturk أوزتورك; Aydin آيدين"
)
CHINA_MALE = _names("Wei وي; Jun جون; Lei لي; Hao هاو; Ming مينغ; Jian جيان")
CHINA_FEMALE = _names("Xiu شيو; Ying ينغ; Mei مي; Lan لان")
CHINA_FAMILY = _names("Wang وانغ; Li لي; Zhang تشانغ; Chen تشن; Liu ليو; Yang يانغ; Huang هوانغ")

NAME_GROUPS: dict[str, NameGroup] = {
    "saudi": NameGroup(SAUDI_MALE, SAUDI_FEMALE, SAUDI_FAMILY, four_part=True),
    "gcc": NameGroup(SAUDI_MALE, SAUDI_FEMALE, GCC_FAMILY, four_part=True),
    "egypt": NameGroup(EGYPT_MALE, EGYPT_FEMALE, EGYPT_FAMILY, four_part=True),
    "levant": NameGroup(LEVANT_MALE, LEVANT_FEMALE, LEVANT_FAMILY, four_part=True),
    "yemen": NameGroup(YEMEN_MALE, YEMEN_FEMALE, YEMEN_FAMILY, four_part=True),
    "sudan": NameGroup(SUDAN_MALE, SUDAN_FEMALE, SUDAN_FAMILY, four_part=True),
    "maghreb": NameGroup(MAGHREB_MALE, MAGHREB_FEMALE, MAGHREB_FAMILY, four_part=True),
    "india": NameGroup(INDIA_MALE, INDIA_FEMALE, INDIA_FAMILY),
    "pakistan": NameGroup(PAKISTAN_MALE, PAKISTAN_FEMALE, PAKISTAN_FAMILY),
    "bangladesh": NameGroup(
        BANGLADESH_MALE, BANGLADESH_FEMALE, BANGLADESH_FAMILY, family_female=BANGLADESH_FAMILY_FEMALE
    ),
    "nepal": NameGroup(NEPAL_MALE, NEPAL_FEMALE, NEPAL_FAMILY),
    "srilanka": NameGroup(SRILANKA_MALE, SRILANKA_FEMALE, SRILANKA_FAMILY),
    "philippines": NameGroup(PHILIPPINES_MALE, PHILIPPINES_FEMALE, PHILIPPINES_FAMILY),
    "indonesia": NameGroup(INDONESIA_MALE, INDONESIA_FEMALE, INDONESIA_FAMILY),
    "ethiopia": NameGroup(ETHIOPIA_MALE, ETHIOPIA_FEMALE, ETHIOPIA_FAMILY),
    "eastafrica": NameGroup(EASTAFRICA_MALE, EASTAFRICA_FEMALE, EASTAFRICA_FAMILY),
    "westafrica": NameGroup(WESTAFRICA_MALE, WESTAFRICA_FEMALE, WESTAFRICA_FAMILY),
    "western": NameGroup(WESTERN_MALE, WESTERN_FEMALE, WESTERN_FAMILY),
    "turkey": NameGroup(TURKEY_MALE, TURKEY_FEMALE, TURKEY_FAMILY),
    "china": NameGroup(CHINA_MALE, CHINA_FEMALE, CHINA_FAMILY),
}


@dataclass(frozen=True)
class Nationality:
    """A nationality the generator uses: share of the non-Saudi workforce (per mille), name
    group, share of women, wage level against the non-Saudi median, passport letters."""

    code: str
    share: float
    group: str
    female: float
    wage_factor: float
    passport_letters: str


SAUDI_SHARE = 0.23  # RULES §10: about 3.0 of 13.2 million active contributors
SAUDI_FEMALE_SHARE = 0.37

# Shares among non-Saudis, per mille (rounded from GOSI quarterly reports; small groups kept so
# that every name group, GCC nationals and Western expatriates occur).
NATIONALITIES: tuple[Nationality, ...] = (
    Nationality("IND", 240, "india", 0.05, 1.1, "JKLMNPRSTUVZ"),
    Nationality("BGD", 185, "bangladesh", 0.02, 0.85, "ABE"),
    Nationality("PAK", 150, "pakistan", 0.01, 1.0, "ABCDFGHJKRS"),
    Nationality("EGY", 120, "egypt", 0.06, 1.7, "A"),
    Nationality("YEM", 60, "yemen", 0.03, 1.0, "0"),
    Nationality("PHL", 50, "philippines", 0.35, 1.3, "P"),
    Nationality("SDN", 40, "sudan", 0.05, 1.4, "P"),
    Nationality("NPL", 38, "nepal", 0.03, 0.85, "PC"),
    Nationality("SYR", 18, "levant", 0.08, 1.9, "N"),
    Nationality("JOR", 15, "levant", 0.15, 2.2, "N"),
    Nationality("LKA", 12, "srilanka", 0.20, 1.0, "N"),
    Nationality("IDN", 10, "indonesia", 0.40, 0.9, "ABC"),
    Nationality("ETH", 10, "ethiopia", 0.30, 0.8, "EP"),
    Nationality("PSE", 6, "levant", 0.10, 2.0, "A"),
    Nationality("KEN", 8, "eastafrica", 0.30, 0.8, "AK"),
    Nationality("UGA", 6, "eastafrica", 0.30, 0.8, "AB"),
    Nationality("AFG", 5, "pakistan", 0.01, 0.9, "OP"),
    Nationality("MMR", 4, "bangladesh", 0.02, 0.8, "M"),
    Nationality("LBN", 4, "levant", 0.20, 2.6, "RL"),
    Nationality("IRQ", 3, "levant", 0.08, 1.8, "A"),
    Nationality("MAR", 3, "maghreb", 0.15, 1.8, "A"),
    Nationality("TUN", 2, "maghreb", 0.15, 1.8, "A"),
    Nationality("SOM", 2, "eastafrica", 0.10, 0.8, "P"),
    Nationality("ERI", 2, "ethiopia", 0.15, 0.8, "P"),
    Nationality("NGA", 2, "westafrica", 0.10, 0.9, "A"),
    Nationality("TCD", 2, "westafrica", 0.05, 0.8, "A"),
    Nationality("TUR", 2, "turkey", 0.10, 2.5, "U"),
    Nationality("GBR", 1, "western", 0.25, 5.5, "5"),
    Nationality("USA", 1, "western", 0.25, 5.5, "5"),
    Nationality("CHN", 1, "china", 0.10, 2.0, "E"),
    Nationality("ARE", 1, "gcc", 0.15, 3.0, "A"),
    Nationality("BHR", 1, "gcc", 0.15, 3.0, "A"),
    Nationality("KWT", 1, "gcc", 0.15, 3.0, "A"),
    Nationality("OMN", 1, "gcc", 0.15, 3.0, "A"),
    Nationality("QAT", 1, "gcc", 0.15, 3.0, "A"),
)

# Region of the workplace, weighted by contributors (RULES §10; smaller regions apportioned).
REGION_WEIGHTS: dict[str, float] = {
    "01": 49.0,  # Riyadh
    "04": 19.0,  # Eastern Province
    "02": 16.7,  # Makkah
    "03": 4.0,  # Al-Madinah
    "05": 3.0,  # Al-Qassim
    "14": 2.6,  # Asir
    "07": 1.2,  # Tabuk
    "09": 1.2,  # Jazan
    "06": 1.0,  # Hail
    "10": 0.8,  # Najran
    "12": 0.6,  # Al-Jawf
    "08": 0.5,  # Northern Borders
    "11": 0.4,  # Al-Bahah
}

# Cities per servicing office: (office, Arabic city, English city, weight within the region).
CITIES: tuple[tuple[str, str, str, float], ...] = (
    ("RUH", "الرياض", "Riyadh", 90),
    ("KHJ", "الخرج", "Al-Kharj", 10),
    ("JED", "جدة", "Jeddah", 60),
    ("MKK", "مكة المكرمة", "Makkah", 28),
    ("TIF", "الطائف", "Taif", 12),
    ("MED", "المدينة المنورة", "Al-Madinah", 75),
    ("YNB", "ينبع", "Yanbu", 25),
    ("DMM", "الدمام", "Dammam", 38),
    ("KHB", "الخبر", "Al-Khobar", 22),
    ("HSA", "الأحساء", "Al-Ahsa", 18),
    ("JBL", "الجبيل", "Jubail", 14),
    ("HFB", "حفر الباطن", "Hafar Al-Batin", 8),
    ("BDH", "بريدة", "Buraydah", 100),
    ("HAS", "حائل", "Hail", 100),
    ("TUU", "تبوك", "Tabuk", 100),
    ("ARR", "عرعر", "Arar", 100),
    ("JZN", "جازان", "Jazan", 100),
    ("NJR", "نجران", "Najran", 100),
    ("BAH", "الباحة", "Al-Bahah", 100),
    ("SKK", "سكاكا", "Sakaka", 100),
    ("ABH", "أبها", "Abha", 55),
    ("KMS", "خميس مشيط", "Khamis Mushait", 45),
)

# First digit of commercial registration numbers by region (the issuing office's series).
CR_REGION_DIGIT: dict[str, str] = {
    "01": "1",
    "02": "4",
    "03": "4",
    "04": "2",
    "05": "1",
    "06": "3",
    "07": "3",
    "08": "3",
    "09": "5",
    "10": "5",
    "11": "5",
    "12": "3",
    "14": "5",
}


@dataclass(frozen=True)
class Activity:
    """An ISIC division as the generator uses it: share of establishments (per mille), Saudi
    share relative to the average, occupation profile, and the words in establishment names."""

    code: str
    share: float
    saudi_factor: float
    profile: str
    word_ar: str
    word_en: str


ACTIVITIES: tuple[Activity, ...] = (
    Activity("47", 220, 0.8, "trade", "للتجارة", "Trading"),
    Activity("41", 110, 0.5, "construction", "للمقاولات", "Contracting"),
    Activity("43", 70, 0.4, "construction", "للمقاولات الكهربائية والميكانيكية", "MEP Contracting"),
    Activity("42", 15, 0.6, "construction", "للإنشاءات", "Construction"),
    Activity("56", 80, 0.5, "food", "للمطاعم", "Restaurants"),
    Activity("46", 60, 0.9, "trade", "للتجارة بالجملة", "Wholesale"),
    Activity("45", 50, 0.6, "services", "لصيانة السيارات", "Auto Services"),
    Activity("96", 45, 0.6, "services", "للخدمات", "Services"),
    Activity("81", 30, 0.3, "services", "للنظافة والصيانة", "Cleaning and Maintenance"),
    Activity("10", 20, 0.9, "industry", "للصناعات الغذائية", "Food Industries"),
    Activity("23", 12, 0.7, "industry", "لمواد البناء", "Building Materials"),
    Activity("25", 15, 0.7, "industry", "للصناعات المعدنية", "Metal Industries"),
    Activity("20", 5, 1.6, "industry", "للكيماويات", "Chemicals"),
    Activity("49", 30, 0.8, "transport", "للنقل", "Transport"),
    Activity("52", 12, 1.1, "transport", "للخدمات اللوجستية", "Logistics"),
    Activity("55", 18, 1.0, "food", "للفنادق", "Hotels"),
    Activity("68", 25, 1.3, "office", "العقارية", "Real Estate"),
    Activity("69", 15, 1.5, "office", "للمحاسبة والاستشارات", "Accounting and Advisory"),
    Activity("71", 15, 1.3, "office", "للاستشارات الهندسية", "Engineering Consultants"),
    Activity("62", 15, 2.0, "office", "لتقنية المعلومات", "Information Technology"),
    Activity("61", 2, 3.0, "office", "للاتصالات", "Telecom"),
    Activity("64", 3, 3.5, "office", "المالية", "Finance"),
    Activity("65", 2, 3.2, "office", "للتأمين", "Insurance"),
    Activity("85", 20, 2.2, "education", "التعليمية", "Education"),
    Activity("86", 20, 1.4, "health", "الطبية", "Medical"),
    Activity("80", 8, 2.5, "security", "للحراسات الأمنية", "Security Services"),
    Activity("78", 8, 1.0, "services", "للاستقدام", "Recruitment"),
    Activity("01", 15, 0.3, "agri", "الزراعية", "Agriculture"),
    Activity("06", 1, 3.0, "energy", "للنفط والغاز", "Oil and Gas"),
    Activity("08", 2, 1.2, "energy", "للتعدين", "Mining"),
    Activity("19", 1, 2.5, "energy", "للتكرير", "Refining"),
    Activity("35", 1, 3.0, "energy", "للطاقة", "Power"),
    Activity("36", 1, 2.0, "energy", "للمياه", "Water"),
    Activity("38", 3, 0.5, "services", "لإدارة النفايات", "Waste Management"),
    Activity("93", 6, 1.5, "services", "للترفيه", "Entertainment"),
)

# ISCO-08 major groups per profile (relative weights).
OCCUPATION_PROFILES: dict[str, dict[str, float]] = {
    "trade": {"1": 5, "2": 3, "3": 8, "4": 15, "5": 35, "7": 7, "8": 7, "9": 20},
    "construction": {"1": 2, "2": 3, "3": 6, "4": 2, "7": 40, "8": 12, "9": 35},
    "office": {"1": 10, "2": 30, "3": 20, "4": 30, "5": 5, "9": 5},
    "industry": {"1": 3, "2": 5, "3": 10, "4": 2, "7": 25, "8": 35, "9": 20},
    "food": {"1": 5, "4": 5, "5": 55, "7": 5, "9": 30},
    "transport": {"1": 3, "3": 5, "4": 10, "5": 7, "8": 55, "9": 20},
    "agri": {"1": 2, "6": 60, "8": 10, "9": 28},
    "health": {"1": 3, "2": 45, "3": 30, "4": 10, "5": 7, "9": 5},
    "education": {"1": 3, "2": 67, "3": 10, "4": 15, "9": 5},
    "services": {"1": 4, "4": 5, "5": 40, "7": 16, "9": 35},
    "security": {"1": 3, "4": 7, "5": 70, "9": 20},
    "energy": {"1": 5, "2": 20, "3": 25, "4": 10, "7": 20, "8": 20},
}
# Saudis hold managerial and office work far more often than elementary work.
SAUDI_OCCUPATION_FACTOR: dict[str, float] = {
    "1": 3.0, "2": 2.0, "3": 2.0, "4": 3.0, "5": 1.2, "6": 0.2, "7": 0.3, "8": 0.5, "9": 0.3,
}  # fmt: skip
# Basic wage against the nationality's median, by occupation.
OCCUPATION_WAGE_FACTOR: dict[str, float] = {
    "0": 1.5, "1": 2.6, "2": 1.8, "3": 1.3, "4": 1.0, "5": 0.85, "6": 0.75, "7": 0.95, "8": 0.95, "9": 0.75,
}  # fmt: skip

# Basic wage medians of today (SAR a month): Saudi ~6–8k, non-Saudi ~1.5–2.5k (the brief).
SAUDI_BASIC_MEDIAN = 6500
NON_SAUDI_BASIC_MEDIAN = 1700
SAUDI_WAGE_SIGMA = 0.5
NON_SAUDI_WAGE_SIGMA = 0.55
# Nominal wages were lower in the past: this much a year.
WAGE_GROWTH_PER_YEAR = 0.025

# Words of establishment names.
BRANDS: tuple[Name, ...] = _names(
    "Horizon الأفق; Pioneers الرواد; Gulf الخليج; Desert الصحراء; Elite النخبة; National الوطنية;"
    "United المتحدة; Arabian العربية; East الشرق; Salam السلام; Hope الأمل; Dawn الفجر;"
    "Bayan البيان; Riyada الريادة; Najd نجد; Hijaz الحجاز; Tihama تهامة; Yamama اليمامة;"
    "Oasis الواحة; Palm النخلة; Crescent الهلال; Star النجمة; Falcon الصقر; Pearl اللؤلؤة;"
    "Summit القمة; Bridge الجسر; Future المستقبل; Vision الرؤية; Excellence التميز; Quality الجودة"
)
