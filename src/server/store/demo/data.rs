//! The demo clinic's facts: catalog, templates, owners, pets and the plans
//! they hold. Seeding them is in the parent module.

/// One catalog row of the demo.
pub(super) struct Item {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) kind: &'static str,
    pub(super) unit: &'static str,
    /// Subunit name and how many make one unit.
    pub(super) subunit: Option<(&'static str, i64)>,
    pub(super) price: &'static str,
    pub(super) group: Option<i64>,
}

pub(super) const fn item(
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    unit: &'static str,
    price: &'static str,
) -> Item {
    Item { code, name, kind, unit, subunit: None, price, group: None }
}

pub(super) const ITEMS: &[Item] = &[
    item("EXAM", "Wellness exam", "service", "exam", "55.00"),
    Item { group: Some(1), ..item("VAC-DHPP", "DHPP vaccine", "product", "dose", "42.00") },
    Item { group: Some(1), ..item("VAC-RAB", "Rabies vaccine", "product", "dose", "38.00") },
    Item { group: Some(1), ..item("VAC-LEP", "Leptospirosis vaccine", "product", "dose", "36.00") },
    Item { group: Some(2), ..item("VAC-FVRCP", "FVRCP vaccine", "product", "dose", "40.00") },
    Item { group: Some(2), ..item("VAC-FELV", "FeLV vaccine", "product", "dose", "39.00") },
    Item { subunit: Some(("tablet", 6)), ..item("PAR-NXG", "NexGard chewables", "product", "box", "72.00") },
    Item { subunit: Some(("tablet", 4)), ..item("PAR-MLB", "Milbemax tablets", "product", "box", "28.00") },
    item("DEN-CLN", "Dental cleaning", "service", "procedure", "180.00"),
    item("LAB-CBC", "Complete blood count", "service", "test", "65.00"),
    item("LAB-CHEM", "Senior chemistry panel", "service", "test", "95.00"),
    item("LAB-FEC", "Fecal exam", "service", "test", "32.00"),
    item("NAIL", "Nail trim", "service", "trim", "15.00"),
    item("MICRO", "Microchip", "product", "chip", "45.00"),
    item("DAYCARE", "Daycare day", "service", "day", "35.00"),
    item("PHYSIO", "Physiotherapy session", "service", "session", "70.00"),
    item("GROOM", "Full groom", "service", "groom", "60.00"),
    item("XRAY", "Radiograph", "service", "image", "120.00"),
];

/// What a benefit covers: an item (1-based index into ITEMS) or a group.
#[derive(Clone, Copy)]
pub(super) enum On {
    Item(i64),
    Group(i64),
}

impl On {
    /// The (item_id, group_id) columns of a benefit row.
    pub(super) fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            On::Item(i) => (Some(i), None),
            On::Group(g) => (None, Some(g)),
        }
    }
}

pub(super) struct Template {
    pub(super) name: &'static str,
    pub(super) kind: &'static str,
    pub(super) species: Option<&'static str>,
    pub(super) stage: Option<&'static str>,
    pub(super) description: &'static str,
    pub(super) price: &'static str,
    pub(super) term_months: Option<u32>,
    pub(super) member_discount: Option<&'static str>,
    pub(super) benefits: &'static [(&'static str, On, Option<i64>, &'static str)],
}

pub(super) const TEMPLATES: &[Template] = &[
    Template {
        name: "Puppy Plan",
        kind: "wellness",
        species: Some("dog"),
        stage: Some("puppy"),
        description: "First-year care: exams, the full vaccine course and parasite control.",
        price: "348.00",
        term_months: Some(12),
        member_discount: Some("10"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(3), "100"),
            ("Core vaccines", On::Group(1), Some(4), "100"),
            ("NexGard chewables", On::Item(7), Some(24), "100"),
            ("Fecal exams", On::Item(12), Some(2), "100"),
            ("Microchip", On::Item(14), Some(1), "100"),
            ("Nail trims", On::Item(13), None, "100"),
        ],
    },
    Template {
        name: "Kitten Plan",
        kind: "wellness",
        species: Some("cat"),
        stage: Some("kitten"),
        description: "First-year care for kittens.",
        price: "312.00",
        term_months: Some(12),
        member_discount: Some("10"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(3), "100"),
            ("Cat vaccines", On::Group(2), Some(4), "100"),
            ("Milbemax tablets", On::Item(8), Some(12), "100"),
            ("Fecal exams", On::Item(12), Some(2), "100"),
            ("Microchip", On::Item(14), Some(1), "100"),
            ("Nail trims", On::Item(13), None, "100"),
        ],
    },
    Template {
        name: "Adult Dog Plan",
        kind: "wellness",
        species: Some("dog"),
        stage: Some("adult"),
        description: "Yearly care for grown dogs, with half-price dental cleaning.",
        price: "420.00",
        term_months: Some(12),
        member_discount: Some("10"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(2), "100"),
            ("Core vaccines", On::Group(1), Some(3), "100"),
            ("NexGard chewables", On::Item(7), Some(72), "100"),
            ("Dental cleaning", On::Item(9), Some(1), "50"),
            ("Blood count", On::Item(10), Some(1), "100"),
            ("Nail trims", On::Item(13), None, "100"),
            ("Fecal exam", On::Item(12), Some(1), "100"),
        ],
    },
    Template {
        name: "Senior Cat Plan",
        kind: "wellness",
        species: Some("cat"),
        stage: Some("senior"),
        description: "Twice-yearly checks and bloodwork for cats over ten.",
        price: "456.00",
        term_months: Some(12),
        member_discount: Some("15"),
        benefits: &[
            ("Wellness exams", On::Item(1), Some(2), "100"),
            ("Cat vaccines", On::Group(2), Some(2), "100"),
            ("Chemistry panels", On::Item(11), Some(2), "100"),
            ("Blood count", On::Item(10), Some(1), "100"),
            ("Dental cleaning", On::Item(9), Some(1), "100"),
            ("Milbemax tablets", On::Item(8), Some(12), "100"),
        ],
    },
    Template {
        name: "Daycare 10-day pack",
        kind: "package",
        species: None,
        stage: None,
        description: "Ten days of daycare for any dog of the household.",
        price: "315.00",
        term_months: None,
        member_discount: None,
        benefits: &[("Daycare days", On::Item(15), Some(10), "100")],
    },
    Template {
        name: "Physio 6-session pack",
        kind: "session_pack",
        species: None,
        stage: None,
        description: "Six physiotherapy sessions within six months (referral).",
        price: "378.00",
        term_months: Some(6),
        member_discount: None,
        benefits: &[("Physiotherapy sessions", On::Item(16), Some(6), "100")],
    },
];

pub(super) const CLIENTS: &[(&str, &str, &str)] = &[
    ("Emma", "de Vries", "+31 6 1234 5601"),
    ("Liam", "Jansen", "+31 6 1234 5602"),
    ("Sophie", "Bakker", "+31 6 1234 5603"),
    ("Noah", "Visser", "+31 6 1234 5604"),
    ("Julia", "Smit", "+31 6 1234 5605"),
    ("Daan", "Meijer", "+31 6 1234 5606"),
    ("Tess", "de Boer", "+31 6 1234 5607"),
    ("Sem", "Mulder", "+31 6 1234 5608"),
    ("Anna", "de Groot", "+31 6 1234 5609"),
    ("Lucas", "Bos", "+31 6 1234 5610"),
    ("Mila", "Vos", "+31 6 1234 5611"),
    ("Finn", "Peters", "+31 6 1234 5612"),
    ("Sara", "Hendriks", "+31 6 1234 5613"),
    ("Levi", "van Dijk", "+31 6 1234 5614"),
    ("Zoë", "Dekker", "+31 6 1234 5615"),
    ("Milan", "Brouwer", "+31 6 1234 5616"),
    ("Eva", "de Wit", "+31 6 1234 5617"),
    ("Jesse", "Dijkstra", "+31 6 1234 5618"),
    ("Lotte", "Smits", "+31 6 1234 5619"),
    ("Thomas", "de Graaf", "+31 6 1234 5620"),
];

/// (client index, name, species, breed, sex, age in months)
pub(super) const PATIENTS: &[(usize, &str, &str, &str, &str, u32)] = &[
    (0, "Rex", "dog", "Labrador Retriever", "male", 5),
    (0, "Mimi", "cat", "British Shorthair", "female", 136),
    (1, "Bella", "dog", "Border Collie", "female", 40),
    (2, "Luna", "cat", "Maine Coon", "female", 4),
    (2, "Max", "dog", "Golden Retriever", "male", 62),
    (3, "Charlie", "dog", "Beagle", "male", 7),
    (4, "Nala", "cat", "Domestic Shorthair", "female", 150),
    (5, "Bruno", "dog", "German Shepherd", "male", 30),
    (5, "Pip", "rabbit", "Holland Lop", "male", 18),
    (6, "Milo", "cat", "Siamese", "male", 3),
    (7, "Daisy", "dog", "Cavalier King Charles", "female", 55),
    (8, "Oscar", "cat", "Norwegian Forest", "male", 128),
    (9, "Loki", "dog", "Husky", "male", 9),
    (9, "Saar", "dog", "Dachshund", "female", 84),
    (10, "Simba", "cat", "Bengal", "male", 5),
    (11, "Teddy", "dog", "Poodle", "male", 26),
    (12, "Kiki", "cat", "Ragdoll", "female", 140),
    (13, "Bommel", "dog", "Bernese Mountain Dog", "male", 6),
    (14, "Fleur", "cat", "Persian", "female", 45),
    (15, "Rocky", "dog", "Boxer", "male", 70),
    (15, "Moos", "cat", "Domestic Longhair", "male", 125),
    (16, "Lola", "dog", "French Bulldog", "female", 11),
    (17, "Tommie", "cat", "Domestic Shorthair", "male", 2),
    (18, "Sam", "dog", "Jack Russell", "male", 98),
    (18, "Dribbel", "dog", "Labradoodle", "female", 4),
    (19, "Guus", "dog", "Staffordshire Terrier", "male", 48),
    (19, "Poes", "cat", "Domestic Shorthair", "female", 160),
    (3, "Bobbie", "dog", "Cocker Spaniel", "female", 36),
    (7, "Sky", "cat", "Abyssinian", "female", 8),
    (12, "Dex", "dog", "Whippet", "male", 20),
];

/// (patient index for wellness plans / client index for packs, template
/// index, status, months since the start)
pub(super) const SUBSCRIPTIONS: &[(usize, usize, &str, i32)] = &[
    (0, 0, "active", 2),
    (1, 3, "active", 5),
    (2, 2, "active", 8),
    (3, 1, "active", 1),
    (4, 2, "past_due", 6),
    (5, 0, "active", 4),
    (6, 3, "active", 10),
    (7, 2, "expired", 14),
    (7, 2, "active", 2),
    (9, 1, "pending", 0),
    (10, 2, "on_hold", 5),
    (11, 3, "active", 3),
    (12, 0, "active", 7),
    (13, 2, "cancelled", 9),
    (14, 1, "active", 2),
    (15, 2, "active", 11),
    (16, 3, "active", 6),
    (17, 0, "active", 3),
    (19, 2, "active", 1),
    (20, 3, "expired", 13),
    (21, 0, "active", 9),
    (22, 1, "active", 1),
    (23, 2, "active", 4),
    (24, 0, "pending", 0),
    (25, 2, "active", 7),
    (26, 3, "active", 2),
];

/// (client index, template index, status, months since the start).
/// Thomas de Graaf's six-month physio pack is five months in: it ends within
/// the month on any date, so the lists always show one plan up for renewal
/// (the wellness plans renew by themselves a month ahead).
pub(super) const PACKS: &[(usize, usize, &str, i32)] =
    &[(0, 4, "active", 1), (9, 4, "active", 3), (15, 4, "active", 2), (5, 5, "active", 2), (19, 5, "active", 5)];

pub(super) const STAFF: &[&str] = &["Dr. Sarah Jansen", "Dr. Pieter Kok", "Marloes Bakker"];
