"""The category tree and leaf attributes the gateway serves: Bangladesh's main export goods.

Ids are stable: categories are numbered by hand, attribute values get an id derived from their name, so adding a
value never renumbers the others.
"""

import hashlib
from dataclasses import dataclass, field

ORIGINS = ("Bangladesh", "China", "India", "Vietnam", "Pakistan", "Sri Lanka", "Thailand", "Turkey")

# Per top-level group: styles, certifications, and whether its leaves are food.
# fmt: off
GROUPS = {
    "jute": (
        ("Eco-friendly", "Traditional", "Modern", "Printed", "Plain"),
        ("ISO 9001", "GOTS", "OEKO-TEX Standard 100", "Fair Trade"),
        False,
    ),
    "leather": (("Casual", "Formal", "Fashion", "Classic", "Sports"), ("LWG", "ISO 9001", "REACH", "BSCI"), False),
    "apparel": (
        ("Casual", "Formal", "Sports", "Streetwear", "Basic"),
        ("OEKO-TEX Standard 100", "GOTS", "BSCI", "WRAP", "ISO 9001"),
        False,
    ),
    "home": (
        ("Plain", "Printed", "Embroidered", "Jacquard", "Traditional"),
        ("OEKO-TEX Standard 100", "GOTS", "BSCI", "ISO 9001"),
        False,
    ),
    "craft": (
        ("Traditional", "Rustic", "Modern", "Handmade", "Antique Imitation"),
        ("Fair Trade", "FSC", "ISO 9001"),
        False,
    ),
    "ceramic": (("Modern", "Classic", "Minimalist", "Hand Painted"), ("ISO 9001", "FDA", "LFGB", "CE"), False),
    "seafood": ((), ("HACCP", "BRC", "BAP", "ASC", "EU Approved Establishment", "Halal"), True),
    "agro": ((), ("HACCP", "ISO 22000", "Halal", "USDA Organic", "GlobalG.A.P."), True),
}
FOOD_PROCESSING = ("Fresh", "Frozen", "IQF", "Block Frozen", "Dried", "Roasted", "Raw", "Packaged")

# (category_id, name, group, [subcategories]) at the top; below, (id, name, [children]) or (id, name, materials).
TREE = [
    (1000, "Jute & Jute Goods", "jute", [
        (1100, "Jute Fibre & Yarn", [
            (1101, "Raw Jute Fibre", ("Tossa Jute", "White Jute", "Mesta")),
            (1102, "Jute Yarn", ("Tossa Jute", "White Jute", "Jute-Cotton Blend")),
            (1103, "Jute Twine & Rope", ("Tossa Jute", "White Jute", "Jute-Polypropylene Blend")),
        ]),
        (1200, "Jute Bags & Sacks", [
            (1201, "Hessian Sacks", ("Hessian Jute", "Laminated Jute")),
            (1202, "Jute Shopping Bags", ("Hessian Jute", "Jute-Cotton Blend", "Laminated Jute")),
            (1203, "Jute Wine Bottle Bags", ("Hessian Jute", "Jute-Cotton Blend")),
        ]),
        (1300, "Jute Home Products", [
            (1301, "Jute Rugs & Carpets", ("Braided Jute", "Jute-Wool Blend", "Jute-Cotton Blend")),
            (1302, "Hessian Cloth", ("Hessian Jute", "Sacking Cloth")),
        ]),
    ]),
    (2000, "Leather Goods & Footwear", "leather", [
        (2100, "Footwear", [
            (2101, "Men's Leather Shoes", ("Cow Leather", "Goat Leather", "Suede")),
            (2102, "Women's Shoes", ("Cow Leather", "Goat Leather", "PU Leather", "Canvas")),
            (2103, "Sports Shoes", ("Mesh", "PU Leather", "Synthetic", "Canvas")),
        ]),
        (2200, "Leather Goods", [
            (2201, "Leather Handbags", ("Cow Leather", "Goat Leather", "Sheep Leather")),
            (2202, "Wallets & Card Holders", ("Cow Leather", "Goat Leather", "Crocodile Embossed Leather")),
            (2203, "Leather Belts", ("Cow Leather", "Buffalo Leather")),
        ]),
        (2300, "Finished Leather", ("Cow Crust Leather", "Goat Finished Leather", "Sheep Nappa Leather",
                                    "Buffalo Leather")),
    ]),
    (3000, "Apparel", "apparel", [
        (3100, "Knitwear", [
            (3101, "T-Shirts", ("100% Cotton", "Cotton-Polyester Blend", "Organic Cotton", "Viscose")),
            (3102, "Polo Shirts", ("100% Cotton", "Cotton-Polyester Blend", "Pique Cotton")),
            (3103, "Sweaters & Cardigans", ("Acrylic", "Cotton", "Wool Blend", "Cashmere Blend")),
        ]),
        (3200, "Woven Garments", [
            (3201, "Men's Shirts", ("100% Cotton", "Linen", "Cotton-Polyester Blend")),
            (3202, "Denim Jeans", ("Denim", "Stretch Denim", "Organic Cotton Denim")),
            (3203, "Jackets & Coats", ("Polyester", "Nylon", "Cotton Twill", "Denim")),
        ]),
        (3300, "Babies' Clothing", ("100% Cotton", "Organic Cotton", "Bamboo Fibre")),
    ]),
    (4000, "Home Textiles", "home", [
        (4100, "Bed Linen", ("100% Cotton", "Cotton Sateen", "Polyester-Cotton Blend", "Linen")),
        (4200, "Towels", ("100% Cotton", "Terry Cotton", "Bamboo Fibre")),
        (4300, "Curtains", ("Polyester", "Cotton", "Jute-Cotton Blend", "Linen")),
        (4400, "Nakshi Kantha Quilts", ("Cotton", "Silk", "Recycled Sari Cotton")),
    ]),
    (5000, "Handicrafts", "craft", [
        (5100, "Bamboo & Cane Crafts", ("Bamboo", "Cane", "Rattan")),
        (5200, "Terracotta Crafts", ("Terracotta", "Clay")),
        (5300, "Wooden Crafts", ("Mango Wood", "Teak Wood", "Rain Tree Wood")),
        (5400, "Brass & Metal Crafts", ("Brass", "Bell Metal", "Copper")),
    ]),
    (6000, "Ceramics", "ceramic", [
        (6100, "Ceramic Tableware", [
            (6101, "Dinner Sets", ("Porcelain", "Bone China", "Stoneware")),
            (6102, "Mugs & Cups", ("Porcelain", "Stoneware", "New Bone China")),
        ]),
        (6200, "Sanitary Ware", ("Vitreous China", "Ceramic")),
        (6300, "Ceramic Tiles", ("Porcelain", "Ceramic", "Glazed Ceramic")),
    ]),
    (7000, "Frozen Seafood", "seafood", [
        (7100, "Frozen Shrimp & Prawn", [
            (7101, "Black Tiger Shrimp", ("Black Tiger Shrimp (Penaeus monodon)",)),
            (7102, "Freshwater Prawn", ("Giant Freshwater Prawn (Macrobrachium rosenbergii)",)),
        ]),
        (7200, "Frozen Fish", [
            (7201, "Hilsa", ("Hilsa (Tenualosa ilisha)",)),
            (7202, "Pangasius", ("Pangasius (Pangasius hypophthalmus)",)),
            (7203, "Rohu & Carp", ("Rohu (Labeo rohita)", "Catla (Catla catla)", "Mrigal Carp")),
        ]),
        (7300, "Mud Crab", ("Mud Crab (Scylla serrata)", "Soft Shell Crab")),
    ]),
    (8000, "Agro & Food", "agro", [
        (8100, "Rice", [
            (8101, "Aromatic Rice", ("Chinigura Rice", "Kalijira Rice", "Basmati Rice")),
            (8102, "Parboiled Rice", ("Miniket Rice", "Nazirshail Rice", "BR-28 Rice")),
        ]),
        (8200, "Tea", ("Black Tea", "Green Tea", "CTC Tea", "Orthodox Tea")),
        (8300, "Spices", ("Turmeric", "Chilli", "Coriander", "Cumin", "Black Seed")),
        (8400, "Fruits & Vegetables", [
            (8401, "Fresh Vegetables", ("Potato", "Bitter Gourd", "Pointed Gourd", "Green Chilli")),
            (8402, "Mangoes", ("Himsagar Mango", "Langra Mango", "Amrapali Mango", "Fazli Mango")),
        ]),
        (8500, "Processed Food", [
            (8501, "Snacks & Biscuits", ("Wheat Flour", "Rice Flour", "Lentil", "Potato")),
            (8502, "Fruit Juices & Drinks", ("Mango", "Lychee", "Orange", "Mixed Fruit")),
        ]),
    ]),
]
# fmt: on

PLACE_OF_ORIGIN, BRAND_NAME, MATERIAL, STYLE, CERTIFICATION, PROCESSING_TYPE, MODEL_NUMBER = 1, 2, 3, 4, 5, 6, 7


@dataclass(frozen=True)
class Attribute:
    attribute_id: int
    name: str
    required: bool
    input_type: str  # single_select | multi_select | input
    values: tuple[tuple[int, str], ...] = ()
    by_id: dict[int, str] = field(default_factory=dict, compare=False, repr=False)
    by_name: dict[str, tuple[int, str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update(self.values)
        self.by_name.update({name.casefold(): (value_id, name) for value_id, name in self.values})

    def as_answer(self) -> dict:
        return {
            "attribute_id": self.attribute_id,
            "name": self.name,
            "required": self.required,
            "input_type": self.input_type,
            "values": [{"value_id": value_id, "name": name} for value_id, name in self.values],
        }


@dataclass(frozen=True)
class Category:
    category_id: int
    name: str
    level: int
    parent_id: int
    children: tuple[int, ...]
    attributes: tuple[Attribute, ...]

    @property
    def leaf(self) -> bool:
        return not self.children

    def as_answer(self) -> dict:
        return {
            "category_id": self.category_id,
            "name": self.name,
            "level": self.level,
            "parent_id": self.parent_id,
            "leaf_category": self.leaf,
        }


def value_id(attribute_id: int, name: str) -> int:
    digest = hashlib.sha256(f"{attribute_id}:{name}".encode()).digest()
    return attribute_id * 1_000_000 + int.from_bytes(digest[:4], "big") % 1_000_000


def _select(
    attribute_id: int, name: str, names: tuple[str, ...], *, required: bool = False, multi: bool = False
) -> Attribute:
    values = tuple((value_id(attribute_id, value), value) for value in names)
    return Attribute(attribute_id, name, required, "multi_select" if multi else "single_select", values)


def _leaf_attributes(group: str, materials: tuple[str, ...]) -> tuple[Attribute, ...]:
    styles, certifications, food = GROUPS[group]
    attributes = [
        _select(PLACE_OF_ORIGIN, "Place of Origin", ORIGINS, required=True),
        _select(MATERIAL, "Material", materials, required=True),
        Attribute(BRAND_NAME, "Brand Name", False, "input"),
        _select(CERTIFICATION, "Certification", certifications, multi=True),
    ]
    if food:
        attributes.append(_select(PROCESSING_TYPE, "Processing Type", FOOD_PROCESSING))
    else:
        attributes += [_select(STYLE, "Style", styles), Attribute(MODEL_NUMBER, "Model Number", False, "input")]
    return tuple(attributes)


class Catalog:
    """The tree indexed once: children of any id (0 is the root), and each leaf's attributes."""

    def __init__(self, tree: list) -> None:
        self.categories: dict[int, Category] = {}
        self.roots = tuple(self._add(entry[0], entry[1], entry[3], 1, 0, entry[2]) for entry in tree)

    def _add(self, category_id: int, name: str, below: list | tuple, level: int, parent_id: int, group: str) -> int:
        if isinstance(below, list):
            children = tuple(
                self._add(child_id, child_name, child_below, level + 1, category_id, group)
                for child_id, child_name, child_below in below
            )
            attributes: tuple[Attribute, ...] = ()
        else:
            children, attributes = (), _leaf_attributes(group, below)
        self.categories[category_id] = Category(category_id, name, level, parent_id, children, attributes)
        return category_id

    def children(self, category_id: int) -> list[Category]:
        ids = self.roots if category_id == 0 else self.categories[category_id].children
        return [self.categories[child] for child in ids]


CATALOG = Catalog(TREE)
