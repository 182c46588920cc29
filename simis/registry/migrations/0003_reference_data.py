"""Reference tables, first content: the 13 regions of the Kingdom (ISO 3166-2:SA), the
institution's servicing offices, ISIC rev.4 sections and the divisions most often seen, the
ISCO-08 major groups, and the nationalities most often met (ISO 3166-1), GCC states flagged.

The office list is a starting set (one or more per region, 22 in all, as many as the seed
document counts); the institution replaces it with its own list through a later migration.
Going backwards removes exactly these rows (and fails, as it should, once anything refers to them).
"""

from django.db import migrations

REGIONS = [
    ("01", "الرياض", "Riyadh"),
    ("02", "مكة المكرمة", "Makkah"),
    ("03", "المدينة المنورة", "Al-Madinah"),
    ("04", "المنطقة الشرقية", "Eastern Province"),
    ("05", "القصيم", "Al-Qassim"),
    ("06", "حائل", "Hail"),
    ("07", "تبوك", "Tabuk"),
    ("08", "الحدود الشمالية", "Northern Borders"),
    ("09", "جازان", "Jazan"),
    ("10", "نجران", "Najran"),
    ("11", "الباحة", "Al-Bahah"),
    ("12", "الجوف", "Al-Jawf"),
    ("14", "عسير", "Asir"),
]

OFFICES = [
    ("RUH", "01", "مكتب الرياض", "Riyadh office"),
    ("KHJ", "01", "مكتب الخرج", "Al-Kharj office"),
    ("JED", "02", "مكتب جدة", "Jeddah office"),
    ("MKK", "02", "مكتب مكة المكرمة", "Makkah office"),
    ("TIF", "02", "مكتب الطائف", "Taif office"),
    ("MED", "03", "مكتب المدينة المنورة", "Al-Madinah office"),
    ("YNB", "03", "مكتب ينبع", "Yanbu office"),
    ("DMM", "04", "مكتب الدمام", "Dammam office"),
    ("KHB", "04", "مكتب الخبر", "Al-Khobar office"),
    ("HSA", "04", "مكتب الأحساء", "Al-Ahsa office"),
    ("JBL", "04", "مكتب الجبيل", "Jubail office"),
    ("HFB", "04", "مكتب حفر الباطن", "Hafar Al-Batin office"),
    ("BDH", "05", "مكتب بريدة", "Buraydah office"),
    ("HAS", "06", "مكتب حائل", "Hail office"),
    ("TUU", "07", "مكتب تبوك", "Tabuk office"),
    ("ARR", "08", "مكتب عرعر", "Arar office"),
    ("JZN", "09", "مكتب جازان", "Jazan office"),
    ("NJR", "10", "مكتب نجران", "Najran office"),
    ("BAH", "11", "مكتب الباحة", "Al-Bahah office"),
    ("SKK", "12", "مكتب سكاكا", "Sakaka office"),
    ("ABH", "14", "مكتب أبها", "Abha office"),
    ("KMS", "14", "مكتب خميس مشيط", "Khamis Mushait office"),
]

ISIC_SECTIONS = [
    ("A", "الزراعة والحراجة وصيد الأسماك", "Agriculture, forestry and fishing"),
    ("B", "التعدين واستغلال المحاجر", "Mining and quarrying"),
    ("C", "الصناعة التحويلية", "Manufacturing"),
    ("D", "إمدادات الكهرباء والغاز والبخار وتكييف الهواء", "Electricity, gas, steam and air conditioning supply"),
    (
        "E",
        "إمدادات المياه وأنشطة الصرف الصحي وإدارة النفايات ومعالجتها",
        "Water supply; sewerage, waste management and remediation activities",
    ),
    ("F", "التشييد", "Construction"),
    (
        "G",
        "تجارة الجملة والتجزئة وإصلاح المركبات ذات المحركات والدراجات النارية",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    ("H", "النقل والتخزين", "Transportation and storage"),
    ("I", "أنشطة خدمات الإقامة والطعام", "Accommodation and food service activities"),
    ("J", "المعلومات والاتصالات", "Information and communication"),
    ("K", "الأنشطة المالية وأنشطة التأمين", "Financial and insurance activities"),
    ("L", "الأنشطة العقارية", "Real estate activities"),
    ("M", "الأنشطة المهنية والعلمية والتقنية", "Professional, scientific and technical activities"),
    ("N", "أنشطة الخدمات الإدارية وخدمات الدعم", "Administrative and support service activities"),
    (
        "O",
        "الإدارة العامة والدفاع والضمان الاجتماعي الإلزامي",
        "Public administration and defence; compulsory social security",
    ),
    ("P", "التعليم", "Education"),
    ("Q", "أنشطة الصحة البشرية والعمل الاجتماعي", "Human health and social work activities"),
    ("R", "الفنون والترفيه والتسلية", "Arts, entertainment and recreation"),
    ("S", "أنشطة الخدمات الأخرى", "Other service activities"),
    (
        "T",
        "أنشطة الأسر المعيشية بصفتها أصحاب عمل",
        "Activities of households as employers",
    ),
    (
        "U",
        "أنشطة المنظمات والهيئات الخارجة عن نطاق الولاية الإقليمية",
        "Activities of extraterritorial organizations and bodies",
    ),
]

ISIC_DIVISIONS = [
    ("01", "A", "زراعة المحاصيل والإنتاج الحيواني والصيد", "Crop and animal production, hunting"),
    ("06", "B", "استخراج النفط الخام والغاز الطبيعي", "Extraction of crude petroleum and natural gas"),
    ("08", "B", "أنشطة التعدين واستغلال المحاجر الأخرى", "Other mining and quarrying"),
    ("10", "C", "صنع المنتجات الغذائية", "Manufacture of food products"),
    ("19", "C", "صنع فحم الكوك والمنتجات النفطية المكررة", "Manufacture of coke and refined petroleum products"),
    ("20", "C", "صنع المواد الكيميائية والمنتجات الكيميائية", "Manufacture of chemicals and chemical products"),
    ("23", "C", "صنع منتجات المعادن اللافلزية الأخرى", "Manufacture of other non-metallic mineral products"),
    ("25", "C", "صنع منتجات المعادن المشكلة", "Manufacture of fabricated metal products"),
    ("35", "D", "إمدادات الكهرباء والغاز والبخار وتكييف الهواء", "Electricity, gas, steam and air conditioning supply"),
    ("36", "E", "تجميع المياه ومعالجتها وتوزيعها", "Water collection, treatment and supply"),
    ("38", "E", "جمع النفايات ومعالجتها وتصريفها", "Waste collection, treatment and disposal"),
    ("41", "F", "تشييد المباني", "Construction of buildings"),
    ("42", "F", "الهندسة المدنية", "Civil engineering"),
    ("43", "F", "أنشطة التشييد المتخصصة", "Specialized construction activities"),
    (
        "45",
        "G",
        "تجارة الجملة والتجزئة للمركبات ذات المحركات والدراجات النارية وإصلاحها",
        "Wholesale and retail trade and repair of motor vehicles and motorcycles",
    ),
    ("46", "G", "تجارة الجملة", "Wholesale trade"),
    ("47", "G", "تجارة التجزئة", "Retail trade"),
    ("49", "H", "النقل البري والنقل عبر الأنابيب", "Land transport and transport via pipelines"),
    ("52", "H", "التخزين وأنشطة الدعم للنقل", "Warehousing and support activities for transportation"),
    ("55", "I", "الإقامة", "Accommodation"),
    ("56", "I", "أنشطة خدمات الأطعمة والمشروبات", "Food and beverage service activities"),
    ("61", "J", "الاتصالات", "Telecommunications"),
    ("62", "J", "البرمجة الحاسوبية والخبرة الاستشارية", "Computer programming and consultancy"),
    (
        "64",
        "K",
        "أنشطة الخدمات المالية باستثناء التأمين وصناديق المعاشات",
        "Financial service activities, except insurance and pension funding",
    ),
    ("65", "K", "التأمين وإعادة التأمين وصناديق المعاشات", "Insurance, reinsurance and pension funding"),
    ("68", "L", "الأنشطة العقارية", "Real estate activities"),
    ("69", "M", "الأنشطة القانونية والمحاسبية", "Legal and accounting activities"),
    ("71", "M", "الأنشطة المعمارية والهندسية", "Architectural and engineering activities"),
    ("78", "N", "أنشطة الاستخدام", "Employment activities"),
    ("80", "N", "أنشطة الأمن والتحقيقات", "Security and investigation activities"),
    ("81", "N", "أنشطة خدمات المباني وتجميل المواقع", "Services to buildings and landscape activities"),
    ("84", "O", "الإدارة العامة والدفاع", "Public administration and defence"),
    ("85", "P", "التعليم", "Education"),
    ("86", "Q", "أنشطة صحة الإنسان", "Human health activities"),
    ("93", "R", "الأنشطة الرياضية وأنشطة التسلية والترفيه", "Sports activities and amusement and recreation"),
    ("96", "S", "أنشطة الخدمات الشخصية الأخرى", "Other personal service activities"),
    (
        "97",
        "T",
        "أنشطة الأسر المعيشية كأصحاب عمل للعاملين المنزليين",
        "Activities of households as employers of domestic personnel",
    ),
]

OCCUPATIONS = [
    ("0", "مهن القوات المسلحة", "Armed forces occupations"),
    ("1", "المديرون", "Managers"),
    ("2", "الاختصاصيون", "Professionals"),
    ("3", "الفنيون والاختصاصيون المساعدون", "Technicians and associate professionals"),
    ("4", "العاملون في الدعم المكتبي", "Clerical support workers"),
    ("5", "العاملون في الخدمات والمبيعات", "Service and sales workers"),
    ("6", "العاملون المهرة في الزراعة والحراجة وصيد الأسماك", "Skilled agricultural, forestry and fishery workers"),
    ("7", "العاملون في الحرف والمهن المرتبطة بها", "Craft and related trades workers"),
    ("8", "مشغلو المصانع والآلات والمجمّعون", "Plant and machine operators, and assemblers"),
    ("9", "المهن الأولية", "Elementary occupations"),
]

# (alpha-3, alpha-2, Arabic, English, GCC member)
COUNTRIES = [
    ("SAU", "SA", "المملكة العربية السعودية", "Saudi Arabia", True),
    ("ARE", "AE", "الإمارات العربية المتحدة", "United Arab Emirates", True),
    ("BHR", "BH", "البحرين", "Bahrain", True),
    ("KWT", "KW", "الكويت", "Kuwait", True),
    ("OMN", "OM", "عُمان", "Oman", True),
    ("QAT", "QA", "قطر", "Qatar", True),
    ("AFG", "AF", "أفغانستان", "Afghanistan", False),
    ("AUS", "AU", "أستراليا", "Australia", False),
    ("BGD", "BD", "بنغلاديش", "Bangladesh", False),
    ("BRA", "BR", "البرازيل", "Brazil", False),
    ("CAN", "CA", "كندا", "Canada", False),
    ("CHN", "CN", "الصين", "China", False),
    ("CMR", "CM", "الكاميرون", "Cameroon", False),
    ("DEU", "DE", "ألمانيا", "Germany", False),
    ("DZA", "DZ", "الجزائر", "Algeria", False),
    ("EGY", "EG", "مصر", "Egypt", False),
    ("ERI", "ER", "إريتريا", "Eritrea", False),
    ("ESP", "ES", "إسبانيا", "Spain", False),
    ("ETH", "ET", "إثيوبيا", "Ethiopia", False),
    ("FRA", "FR", "فرنسا", "France", False),
    ("GBR", "GB", "المملكة المتحدة", "United Kingdom", False),
    ("GHA", "GH", "غانا", "Ghana", False),
    ("IDN", "ID", "إندونيسيا", "Indonesia", False),
    ("IND", "IN", "الهند", "India", False),
    ("IRN", "IR", "إيران", "Iran", False),
    ("IRQ", "IQ", "العراق", "Iraq", False),
    ("ITA", "IT", "إيطاليا", "Italy", False),
    ("JOR", "JO", "الأردن", "Jordan", False),
    ("JPN", "JP", "اليابان", "Japan", False),
    ("KEN", "KE", "كينيا", "Kenya", False),
    ("KOR", "KR", "كوريا الجنوبية", "South Korea", False),
    ("LBN", "LB", "لبنان", "Lebanon", False),
    ("LBY", "LY", "ليبيا", "Libya", False),
    ("LKA", "LK", "سريلانكا", "Sri Lanka", False),
    ("MAR", "MA", "المغرب", "Morocco", False),
    ("MLI", "ML", "مالي", "Mali", False),
    ("MMR", "MM", "ميانمار", "Myanmar", False),
    ("MRT", "MR", "موريتانيا", "Mauritania", False),
    ("MYS", "MY", "ماليزيا", "Malaysia", False),
    ("NER", "NE", "النيجر", "Niger", False),
    ("NGA", "NG", "نيجيريا", "Nigeria", False),
    ("NPL", "NP", "نيبال", "Nepal", False),
    ("PAK", "PK", "باكستان", "Pakistan", False),
    ("PHL", "PH", "الفلبين", "Philippines", False),
    ("PSE", "PS", "فلسطين", "Palestine", False),
    ("RUS", "RU", "روسيا", "Russia", False),
    ("SDN", "SD", "السودان", "Sudan", False),
    ("SEN", "SN", "السنغال", "Senegal", False),
    ("SOM", "SO", "الصومال", "Somalia", False),
    ("SYR", "SY", "سوريا", "Syria", False),
    ("TCD", "TD", "تشاد", "Chad", False),
    ("THA", "TH", "تايلاند", "Thailand", False),
    ("TUN", "TN", "تونس", "Tunisia", False),
    ("TUR", "TR", "تركيا", "Türkiye", False),
    ("UGA", "UG", "أوغندا", "Uganda", False),
    ("USA", "US", "الولايات المتحدة", "United States", False),
    ("VNM", "VN", "فيتنام", "Viet Nam", False),
    ("YEM", "YE", "اليمن", "Yemen", False),
    ("ZAF", "ZA", "جنوب أفريقيا", "South Africa", False),
]


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    region = apps.get_model("registry", "Region")
    office = apps.get_model("registry", "Office")
    activity = apps.get_model("registry", "EconomicActivity")
    occupation = apps.get_model("registry", "Occupation")
    country = apps.get_model("registry", "Country")
    region.objects.bulk_create(region(code=c, name_ar=ar, name_en=en) for c, ar, en in REGIONS)
    office.objects.bulk_create(
        office(code=c, region_id=r, name_ar=ar, name_en=en) for c, r, ar, en in OFFICES
    )
    activity.objects.bulk_create(
        activity(code=c, level="section", name_ar=ar, name_en=en) for c, ar, en in ISIC_SECTIONS
    )
    activity.objects.bulk_create(
        activity(code=c, level="division", section_id=s, name_ar=ar, name_en=en)
        for c, s, ar, en in ISIC_DIVISIONS
    )
    occupation.objects.bulk_create(occupation(code=c, name_ar=ar, name_en=en) for c, ar, en in OCCUPATIONS)
    country.objects.bulk_create(
        country(code=c, alpha2=a2, name_ar=ar, name_en=en, is_gcc=gcc) for c, a2, ar, en, gcc in COUNTRIES
    )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("registry", "Country").objects.filter(code__in=[row[0] for row in COUNTRIES]).delete()
    apps.get_model("registry", "Occupation").objects.filter(code__in=[row[0] for row in OCCUPATIONS]).delete()
    activity = apps.get_model("registry", "EconomicActivity")
    activity.objects.filter(code__in=[row[0] for row in ISIC_DIVISIONS]).delete()
    activity.objects.filter(code__in=[row[0] for row in ISIC_SECTIONS]).delete()
    apps.get_model("registry", "Office").objects.filter(code__in=[row[0] for row in OFFICES]).delete()
    apps.get_model("registry", "Region").objects.filter(code__in=[row[0] for row in REGIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_branch_parent_and_wage_period_guards")]

    operations = [migrations.RunPython(load, unload)]
