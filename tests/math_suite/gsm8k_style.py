r"""Grade-school word-problem cases for the ``math`` verifier (GSM8K / SVAMP / ASDiv / MAWPS / MGSM style).

Each case is ``(category, completion, gold, expected_correct)``.

Where the formats come from:

- Golds are written the way those datasets store them. GSM8K's answer field ends in ``#### 72``
  and the gold is the number after ``#### `` (``"72"``, ``"1200"``, ``"-5"``, ``"0.5"``);
  some pipelines keep the marker (``"#### 1200"``) or a thousands comma (``"1,200"``).
  SVAMP / ASDiv / MAWPS store floats (``"18.0"``, ``"2.5"``, ``"0.3333333333333333"``). A few
  golds are wrapped in math delimiters (``"$17$"``).
- Completions imitate what chat models write for such problems: step-by-step arithmetic full of
  intermediate numbers that are NOT the answer (``3 * 4 = 12 apples; 12 + 5 = 17``), GSM8K's own
  ``<<3*4=12>>`` calculator annotations, and endings such as ``The answer is 17.``, ``#### 17``,
  ``**Final answer:** 17 apples``, ``So she earns $1,250 per month.``, ``Answer: $17$``,
  ``\boxed{17}``, a bare ``17``, or a last line ``= 17``. MGSM-style completions answer in the
  problem's language (``Die Antwort lautet 24.``, ``答案是 12。``, ``Ответ: 15``).
- Number formats: thousands separators (``1,250``, ``1 250``, ``1{,}250``, ``1\,250``, a narrow
  no-break space), European decimal commas (``3,5 kg``, ``12,50 €``, ``1.250,00 €``), currency
  (``$``, ``\$``, ``€``, ``£``, ``USD``, ``dollars``, ``cents``), percent (``25%``, ``25\%``,
  ``25 percent``), unit words (``17 apples``, ``3 hours``, ``45 mph``), a Unicode minus sign.

The expectations are an independent human grader's judgement, written without consulting any
verifier implementation. Grading policy:

- the completion's *stated final answer* is what counts, not whichever number comes last and not
  numbers in the working; when the completion ends in bare arithmetic, the result of the last line
  (``= 17``, ``Total: 6 + 20 = 26``) is its answer;
- a final answer equal in value to the gold is correct whatever formatting, currency signs, unit
  words or separators surround it; a trailing ``.0`` is fine (``18.0`` = ``18``); money compares
  exactly (``45.5`` = ``45.50``), other decimals within a relative 1e-6; an exact fraction equal to
  a decimal gold (``1/2`` = ``0.5``) is correct;
- ``25%`` matches a gold of ``25`` (the question asked for a percentage);
- an answer given in a different unit scale than the question asked for is wrong even though the
  quantity is the same (``2 hours`` when the gold is ``120`` minutes);
- a comma followed by exactly three digits is a thousands separator (``1,250`` = 1250); a comma
  followed by one or two digits is a decimal comma (``3,5`` = 3.5, ``12,50`` = 12.5);
- a hedge (``either 12 or 14``, ``between 40 and 50``), several different final answers, or no
  final answer at all is wrong; an explicit self-correction leaves one final answer, the corrected
  one.

Debatable expectations carry a ``# debatable:`` comment, readings of an ambiguous number format an
``# ambiguous:`` comment, each with the reason for the choice.
"""

from __future__ import annotations

Case = tuple[str, str, str, bool]

MINUS = "\u2212"  # U+2212 MINUS SIGN
NNBSP = "\u202f"  # U+202F NARROW NO-BREAK SPACE, the French thousands separator
NBSP = "\u00a0"  # U+00A0 NO-BREAK SPACE

APPLES = (
    "Tom has 3 bags with 4 apples in each bag, so he has 3 * 4 = 12 apples.\n"
    "He buys 5 more apples: 12 + 5 = 17 apples.\n"
)
EGGS = "Each carton holds 6 eggs and she has 12 cartons.\n6 x 12 = 72 eggs.\n"
SALARY = (
    "She works 25 hours a week at $12.50 an hour: 25 * 12.50 = $312.50 per week.\n"
    "A month has 4 weeks: 312.50 * 4 = $1,250.\n"
)
PENS = "Pens: 3 × 2 = 6 dollars\nNotebooks: 4 × 5 = 20 dollars\n"

CASES: list[Case] = [
    # --- integers: plain whole-number answers after step-by-step work -------------------------
    ("integers", APPLES + "The answer is 17.", "17", True),
    ("integers", EGGS + "The answer is 72.", "72", True),
    (
        "integers",
        "She reads 20 pages a day for 7 days: 20 × 7 = 140 pages.\n"
        "The book has 200 pages, so 200 - 140 = 60 pages are left.\nThe answer is 60.",
        "60",
        True,
    ),
    ("integers", APPLES + "The answer is 17.", "17.0", True),
    ("integers", APPLES + "The answer is 17.", "$17$", True),
    (
        "integers",
        "Mia baked 24 cookies and shared them equally among 24 classmates, 1 each.\n"
        "24 - 24 = 0 cookies remain.\nThe answer is 0.",
        "0",
        True,
    ),
    (
        "integers",
        "The farmer has 15 cows and 9 sheep. Each animal has 4 legs.\n"
        "15 + 9 = 24 animals; 24 * 4 = 96 legs.\nThe answer is 96",
        "96",
        True,
    ),
    (
        "integers",
        "There are 5 rows of 8 chairs: 5 * 8 = 40 chairs. 3 chairs are broken: 40 - 3 = 37.\n"
        "The answer is 37.0.",
        "37",
        True,
    ),
    # incorrect
    (
        "integers",
        "Tom has 3 bags with 4 apples in each bag, so he has 3 * 4 = 12 apples.\n"
        "He buys 5 more apples: 12 + 5 = 18 apples.\nThe answer is 18.",
        "17",
        False,
    ),  # arithmetic slip, off by one
    (
        "integers",
        "Each carton holds 6 eggs and she has 12 cartons.\n6 + 12 = 18 eggs.\nThe answer is 18.",
        "72",
        False,
    ),  # wrong operation
    (
        "integers",
        APPLES + "He gives 2 apples to his sister: 17 - 2 = 15 apples.\nThe answer is 15.",
        "17",
        False,
    ),  # gold appears only in the working
    (
        "integers",
        "She reads 20 pages a day for 7 days: 20 × 7 = 140 pages.\nThe answer is 140.",
        "60",
        False,
    ),  # stopped one step short
    ("integers", APPLES + "The answer is 71.", "17", False),
    ("integers", APPLES + "The answer is 17.", "18.0", False),
    ("integers", APPLES + "The answer is 17.5.", "17", False),

    # --- thousands: separators inside large integers -----------------------------------------
    (
        "thousands",
        "The school has 5 grades with 250 students in each grade: 5 * 250 = 1,250 students.\n"
        "The answer is 1,250.",
        "1250",
        True,
    ),
    ("thousands", "Each of the 6 trucks carries 200 boxes: 6 * 200 = 1200.\nThe answer is 1200.", "1,200", True),
    ("thousands", "Each of the 6 trucks carries 200 boxes: 6 * 200 = 1 200.\nThe answer is 1 200.", "1200", True),
    ("thousands", r"The library has $5 \times 250 = 1{,}250$ books." "\n\n" r"Answer: $1{,}250$", "1250", True),
    ("thousands", r"Total pages: $25 \times 50 = 1\,250$. The answer is $1\,250$.", "1250", True),
    (
        "thousands",
        "Le stade compte 50 rangées de 25 sièges : 50 × 25 = 1" + NNBSP + "250 sièges.\n"
        "La réponse est 1" + NNBSP + "250.",
        "1250",
        True,
    ),
    (
        "thousands",
        "The city planted 2,500 trees per year for 5 years: 2,500 * 5 = 12,500 trees.\n"
        "The answer is 12,500.",
        "12500",
        True,
    ),
    (
        "thousands",
        "A factory makes 48,000 bolts a day. In 250 days: 48,000 * 250 = 12,000,000 bolts.\n"
        "The answer is 12,000,000.",
        "12000000",
        True,
    ),
    ("thousands", "The tank holds 3" + NBSP + "600 liters.\nThe answer is 3" + NBSP + "600.", "3600", True),
    # incorrect
    ("thousands", "5 classes of 250 students: 5 * 250 = 1,205 students.\nThe answer is 1,205.", "1250", False),
    ("thousands", "5 classes of 250 students: 5 * 25 = 125 students.\nThe answer is 125.", "1250", False),
    (
        "thousands",
        SALARY + "For the whole year: 1,250 * 12 = 15,000.\nThe answer is 15,000.",
        "1250",
        False,
    ),  # gold appears only in the working
    ("thousands", r"The library has $50 \times 250 = 12{,}500$ books." "\n\n" r"Answer: $12{,}500$", "1250", False),
    ("thousands", "Each of the 6 trucks carries 200 boxes... 5 * 200 = 1,000.\nThe answer is 1,000.", "1,200", False),
    (
        "thousands",
        "The bakery sold 5 batches of 250 rolls: 5 * 250 = 1 250 rolls.\nThe answer is 1 250.",
        "250",
        False,
    ),  # ambiguous: a space-grouped "1 250" is read as one number, 1250 (SI style), not "1" and "250"
    ("thousands", "Total: 1,250 pages.\nThe answer is 1,250.", "125", False),

    # --- decimals: non-integer answers, trailing zeros, float golds -----------------------------
    (
        "decimals",
        "Each pencil costs 0.25 dollars, and he buys 2: 2 * 0.25 = 0.5.\nThe answer is 0.5.",
        "0.5",
        True,
    ),
    ("decimals", "Half of the pizza is left: 1 - 0.5 = .5\nThe answer is .5", "0.5", True),
    ("decimals", "The ribbon is 10 m long, cut into 4 equal pieces: 10 / 4 = 2.50 m.\nThe answer is 2.50.", "2.5", True),
    ("decimals", "He ran 6 miles on each of 3 days: 6 * 3 = 18 miles.\nThe answer is 18.", "18.0", True),
    ("decimals", "She splits 1 liter among 3 bottles: 1 / 3 = 0.3333333 liters.\nThe answer is 0.3333333.", "0.3333333333333333", True),
    ("decimals", "Half of the pizza is left: 1 - 1/2 = 1/2.\nThe answer is 1/2.", "0.5", True),
    ("decimals", r"Three of the four quarters are eaten, so $\frac{3}{4}$ of the cake." "\n" r"The answer is $\frac{3}{4}$.", "0.75", True),
    ("decimals", "The average is (2.4 + 3.1 + 4.7) / 3 = 10.2 / 3 = 3.4.\nThe answer is 3.4", "3.4", True),
    # incorrect
    ("decimals", "Each pencil costs 0.25 dollars, and he buys 2: 2 * 0.025 = 0.05.\nThe answer is 0.05.", "0.5", False),
    ("decimals", "The ribbon is 9 m long, cut into 4 equal pieces: 9 / 4 = 2.25 m.\nThe answer is 2.25.", "2.5", False),
    ("decimals", "The ribbon is 10 m long, cut into 4 equal pieces: 10 / 4 = 25.\nThe answer is 25.", "2.5", False),
    (
        "decimals",
        "She splits 1 liter among 3 bottles: 1 / 3 ≈ 0.33 liters.\nThe answer is 0.33.",
        "0.3333333333333333",
        False,
    ),  # debatable: 0.33 is a fair rounding, but it misses the gold by a relative 1e-2, far over 1e-6
    ("decimals", "He walks 1.5 km a day for 5 days: 1.5 * 5 = 7.5 km.\nThe answer is 0.75.", "7.5", False),
    ("decimals", "The average is (2.4 + 3.1 + 4.7) / 3 = 10.2 / 3 = 3.04.\nThe answer is 3.04", "3.4", False),
    ("decimals", "He ran 6 miles on each of 3 days: 6 * 3 = 18 miles.\nThe answer is 18.5.", "18.0", False),

    # --- decimal_comma: European-style decimal commas (MGSM-style completions) --------------
    ("decimal_comma", "Der Sack wiegt 7 kg, die Hälfte davon ist 7 : 2 = 3,5 kg.\nAntwort: 3,5 kg", "3.5", True),
    ("decimal_comma", "Cada botella cuesta 1,25 €; compra 2: 2 × 1,25 = 2,5.\nLa respuesta es 2,50.", "2.5", True),
    ("decimal_comma", "Elle achète 5 cahiers à 2,50 € : 5 × 2,50 = 12,50 €.\nElle paie 12,50 €.", "12.5", True),
    ("decimal_comma", "Die Hälfte eines Liters ist 1 : 2 = 0,5 Liter.\nDie Antwort ist 0,5.", "0.5", True),
    ("decimal_comma", "La distancia es 11 km dividida en 4 tramos: 11 : 4 = 2,75 km.\nLa respuesta es 2,75.", "2.75", True),
    (
        "decimal_comma",
        "Je 250 € für 5 Monate: 5 × 250 = 1.250,00 €.\nDie Gesamtkosten betragen 1.250,00 €.",
        "1250",
        True,
    ),  # both separators present, so the European reading is unambiguous
    (
        "decimal_comma",
        "Il y a 5 caisses de 250 bouteilles : 5 × 250 = 1,250.\nLa réponse est 1,250.",
        "1250",
        True,
    ),  # ambiguous: a comma before exactly three digits is read as a thousands separator (1250)
    (
        "decimal_comma",
        "Un sac de 5 kg est partagé en 4 parts égales : 5 : 4 = 1,250 kg.\nLa réponse est 1,250.",
        "1.25",
        False,
    ),  # ambiguous: the writer likely means 1.25, but "1,250" is graded by the thousands reading, 1250
    # incorrect
    ("decimal_comma", "Der Sack wiegt 7 kg, die Hälfte davon ist 7 : 2 = 3,5 kg.\nAntwort: 3,5 kg", "35", False),
    ("decimal_comma", "Cada botella cuesta 1,25 €; compra 2: 2 × 1,25 = 2,25.\nLa respuesta es 2,25.", "2.5", False),
    ("decimal_comma", "Recorre 1,5 km cada día durante 5 días: 1,5 × 5 = 7,5 km.\nLa respuesta es 7,5 km.", "75", False),
    ("decimal_comma", "Die Hälfte eines Liters ist 1 : 2 = 0,5 Liter.\nDie Antwort ist 0,5.", "5", False),
    ("decimal_comma", "Elle achète 5 cahiers à 2,50 € : 5 × 2,50 = 12,05 €.\nElle paie 12,05 €.", "12.5", False),
    ("decimal_comma", "La distancia es 11 km dividida en 4 tramos: 11 : 4 = 2,75 km.\nLa respuesta es 2,75.", "275", False),

    # --- currency: $, \$, €, £, USD, dollars, cents ------------------------------------------
    ("currency", SALARY + "So she earns $1,250 per month.", "1250", True),
    (
        "currency",
        r"The shirt costs \$25.50 and the pants cost \$20.00, so the total is 25.50 + 20.00 = 45.50."
        "\n" r"Therefore, the total cost is \$45.50.",
        "45.5",
        True,
    ),
    ("currency", "Two books at €22.75 each: 2 × 22.75 = €45.50.\nThe total is €45.50.", "45.50", True),
    ("currency", "3 tickets at £4 each: 3 × 4 = £12.\nThe answer is £12.", "12", True),
    ("currency", "He saves 5 USD a week for 6 weeks: 5 * 6 = 30 USD.\nThe answer is 30 USD.", "30", True),
    ("currency", "2 notebooks at 6 dollars and 1 pen at 5 dollars: 12 + 5 = 17.\nThe final answer is 17 dollars.", "17", True),
    ("currency", "A pack of 4 stickers costs $2, so one sticker costs 2 / 4 = $0.50.\nThe answer is $0.50", "0.5", True),
    ("currency", "3 * $4.50 = $13.50 for sandwiches, plus $2 for a drink: 13.50 + 2 = $15.50.\nThe answer is $15.50.", "15.5", True),
    ("currency", "A pack of 4 stickers costs $2, so one sticker costs 200 / 4 = 50 cents.\nThe answer is 50 cents.", "50", True),
    # incorrect
    (
        "currency",
        "A pack of 4 stickers costs $2, so one sticker costs 200 / 4 = 50 cents.\nThe answer is 50 cents.",
        "0.5",
        False,
    ),  # debatable: 50 cents is $0.50 in value, but the stated number is in a different unit scale
    #     than the gold (dollars); graded like "2 hours" vs 120 minutes
    (
        "currency",
        r"The shirt costs \$25.50 and the pants cost \$20.00, so the total is 25.05 + 20.00 = 45.05."
        "\n" r"Therefore, the total cost is \$45.05.",
        "45.5",
        False,
    ),
    ("currency", "3 * $4.50 = $13.50 for sandwiches, plus $2 for a drink: 13.50 + 2 = $15.50.\nThe answer is $15.50.", "16.5", False),
    ("currency", "She had $25 and spent $18 on lunch, so she has 25 - 18 = $7 left.\nThe answer is $18.", "7", False),
    ("currency", "A pack of 4 stickers costs $2, so one sticker costs 2 / 4 = $0.50.\nThe answer is $0.50", "0.05", False),
    ("currency", "Two books at €22.75 each: 2 × 22.75 = €45.50.\nThe total is €45.49.", "45.50", False),  # money is exact
    (
        "currency",
        "She works 25 hours a week at $12.50 an hour: 25 * 12.50 = $312.50 per week.\n"
        "So she earns $312.50 per week.",
        "1250",
        False,
    ),  # answered per week when the question asked per month

    # --- percent: percent sign, \%, "percent" ---------------------------------------------
    ("percent", "The price dropped from $80 to $60, a drop of 20.\n20 / 80 = 0.25 = 25%.\nThe answer is 25%.", "25", True),
    ("percent", "20 / 80 = 0.25, so the price was reduced by 25 percent.", "25", True),
    ("percent", r"The discount is $\frac{20}{80} \times 100 = 25\%$." "\n\n" r"Answer: $25\%$", "25", True),
    ("percent", "12 of the 30 students are boys: 12 / 30 = 0.4 = 40%.\nThe answer is 40%.", "40", True),
    ("percent", "He got 1 of the 8 questions wrong: 1 / 8 = 0.125 = 12.5%.\nThe answer is 12.5%.", "12.5", True),
    ("percent", "The tip was $6 on a $40 bill: 6 / 40 = 0.15 = 15 %.\nThe answer is 15 %.", "15", True),
    ("percent", "The price dropped from $80 to $60.\n20 / 80 = 0.25 = 25%.\nThe answer is 25%.", "0.25", True),  # debatable: 25% is 0.25 in value; a gold of 0.25 asks for the fraction
    ("percent", "The store's sales grew from 200 to 250 units: 50 / 200 = 25%.\nSales increased by 25.0%.", "25.0", True),
    # incorrect
    (
        "percent",
        "The price dropped from $80 to $60, a drop of 20.\n20 / 80 = 0.25.\nThe answer is 0.25.",
        "25",
        False,
    ),  # debatable: percent vs fraction confusion; 0.25 is 25% as a proportion, but the question asked
    #     for a percentage and the stated number 0.25 != 25
    ("percent", "The price dropped from $80 to $60, a drop of 20.\n20 / 100 = 20%.\nThe answer is 20%.", "25", False),
    ("percent", "The price dropped from $80 to $60.\n60 / 80 = 0.75 = 75%.\nThe answer is 75%.", "25", False),
    ("percent", "12 of the 30 students are boys: 12 / 30 = 0.04 = 4%.\nThe answer is 4%.", "40", False),
    ("percent", "12 of the 30 students are boys: 12 / 30 = 0.4 = 40%.\nThe answer is 40%.", "60", False),
    ("percent", "The store's sales grew from 200 to 250 units: 250 / 200 = 125%.\nSales increased by 125%.", "25", False),

    # --- units: unit words after the number ---------------------------------------------------
    ("units", "Sara picked 20 apples and gave 3 to her friend: 20 - 3 = 17.\nShe has 17 apples left.", "17", True),
    ("units", "The trip is 135 miles at 45 miles per hour: 135 / 45 = 3.\nIt takes 3 hours.", "3", True),
    ("units", "He drives 90 miles in 2 hours: 90 / 2 = 45.\nThe car's average speed is 45 mph.", "45", True),
    ("units", "She practices 30 minutes a day for 4 days: 30 * 4 = 120.\nThe answer is 120 minutes.", "120", True),
    ("units", "The 10 m rope is cut into 4 equal pieces: 10 / 4 = 2.5.\nEach piece is 2.5 m long.", "2.5", True),
    ("units", "The pool fills at 50 liters a minute for 30 minutes: 50 * 30 = 1,500.\nThe tank holds 1,500 liters.", "1500", True),
    ("units", "Each of the 8 students needs 6 cupcakes: 8 * 6 = 48.\nShe needs to bake 48 cupcakes.", "48", True),
    ("units", "A box weighs 250 g; 8 boxes weigh 8 × 250 = 2000 g.\nThe answer is 2000 grams.", "2000", True),
    ("units", "He walks 3 km to school and 3 km back: 3 + 3 = 6.\nHe walks 6km each day.", "6", True),
    # incorrect
    ("units", "She practices 30 minutes a day for 4 days: 30 * 4 = 120 minutes = 2 hours.\nThe answer is 2 hours.", "120", False),  # asked for minutes
    ("units", "The movie lasts 90 minutes, which is 90 / 60 = 1.5 hours.\nIt takes 1.5 hours.", "90", False),  # asked for minutes
    ("units", "The board is 36 inches long: 36 / 12 = 3.\nThe answer is 3 feet.", "36", False),  # asked for inches
    ("units", "Tom has 3 bags with 4 apples each: 3 * 4 = 12. He buys 5 more: 12 + 4 = 16.\nHe has 16 apples.", "17", False),
    ("units", "The car travels at 45 mph for 3 hours: 45 * 3 = 135 miles.\nThe answer is 45 mph.", "135", False),
    ("units", "A box weighs 250 g; 8 boxes weigh 8 × 250 = 2000 g = 2 kg.\nThe answer is 2 kg.", "2000", False),  # asked for grams
    ("units", "Each of the 8 students needs 6 cupcakes: 8 + 6 = 14.\nShe needs to bake 14 cupcakes.", "48", False),

    # --- gsm8k_marker: GSM8K's "#### N" line, in completions and in golds ---------------------
    ("gsm8k_marker", "Tom has 3*4=<<3*4=12>>12 apples.\nAfter buying more he has 12+5=<<12+5=17>>17 apples.\n#### 17", "17", True),
    ("gsm8k_marker", SALARY + "#### 1,250", "1250", True),
    ("gsm8k_marker", EGGS + "#### 72", "#### 72", True),
    ("gsm8k_marker", "Each of the 6 trucks carries 200 boxes: 6*200=<<6*200=1200>>1200\n#### 1200", "#### 1200", True),
    ("gsm8k_marker", "Each of the 6 trucks carries 200 boxes: 6*200=<<6*200=1200>>1200\nThe answer is 1200.", "#### 1200", True),
    ("gsm8k_marker", APPLES + "####17", "17", True),
    ("gsm8k_marker", "The shirt is $25.50 and the pants $20: 25.50+20=<<25.50+20=45.50>>45.50\n#### $45.50", "45.5", True),
    ("gsm8k_marker", "He ran 6 miles on each of 3 days: 6*3=<<6*3=18>>18 miles.\n#### 18", "18.0", True),
    ("gsm8k_marker", "The temperature was 3 degrees and fell 8 degrees: 3-8=<<3-8=-5>>-5\n#### -5", "-5", True),
    # incorrect
    ("gsm8k_marker", "Tom has 3*4=<<3*4=12>>12 apples.\nAfter buying more he has 12+4=<<12+4=16>>16 apples.\n#### 16", "17", False),
    ("gsm8k_marker", "Tom has 3*4=<<3*4=12>>12 apples.\nAfter buying more he has 12+5=<<12+5=17>>17 apples.\n#### 12", "17", False),  # gold only in the working
    ("gsm8k_marker", "5 classes of 250 students: 5*250=<<5*250=1205>>1205\n#### 1205", "#### 1250", False),
    ("gsm8k_marker", "Each carton holds 6 eggs and she has 12 cartons.\n6+12=<<6+12=18>>18 eggs.\n#### 18", "#### 72", False),
    ("gsm8k_marker", "The temperature was 3 degrees and fell 8 degrees: 8-3=<<8-3=5>>5\n#### 5", "-5", False),
    ("gsm8k_marker", SALARY + "For the year: 1,250*12=<<1250*12=15000>>15,000\n#### 15,000", "1250", False),

    # --- answer_phrase: "Answer:", "**Final answer:**", Minerva's phrase, MGSM languages ------
    ("answer_phrase", APPLES + "**Final answer:** 17 apples", "17", True),
    ("answer_phrase", APPLES + "Answer: $17$", "17", True),
    ("answer_phrase", APPLES + "Final Answer: The final answer is 17. I hope it is correct.", "17", True),
    ("answer_phrase", APPLES + "Answer: 17", "17", True),
    ("answer_phrase", "Jede Kiste hat 6 Flaschen, 4 Kisten: 4 × 6 = 24 Flaschen.\nDie Antwort lautet 24.", "24", True),
    ("answer_phrase", "Hay 4 cajas con 9 lápices: 4 × 9 = 36 lápices.\nLa respuesta es 36.", "36", True),
    ("answer_phrase", "每个盒子有 3 个苹果，共 4 个盒子：3 × 4 = 12。\n答案是 12。", "12", True),
    ("answer_phrase", "У Маши 20 конфет, она съела 5: 20 − 5 = 15.\nОтвет: 15", "15", True),
    ("answer_phrase", "りんごが 6 個ずつ 7 袋あります。6 × 7 = 42。\n答え：42", "42", True),
    ("answer_phrase", "Il a 2 paquets de 4 billes : 2 × 4 = 8 billes.\nLa réponse est 8.", "8.0", True),
    # incorrect
    ("answer_phrase", APPLES + "Answer: 71", "17", False),
    ("answer_phrase", "Tom has 3 * 4 = 12 apples, then 12 + 6 = 18 apples.\n**Final answer:** 18 apples", "17", False),
    ("answer_phrase", "Jede Kiste hat 6 Flaschen, 4 Kisten: 4 × 6 = 42 Flaschen.\nDie Antwort lautet 42.", "24", False),
    ("answer_phrase", "每个盒子有 3 个苹果，共 4 个盒子：3 × 4 = 12。他吃了 1 个：12 − 1 = 11。\n答案是 11。", "12", False),
    ("answer_phrase", "У Маши 20 конфет, она съела 5: 20 − 5 = 15. Она отдала 10 подруге: 15 − 10 = 5.\nОтвет: 5", "15", False),
    ("answer_phrase", "Step 1: 4 + 5 = 9 marbles.\nStep 2: she loses 1, 9 - 1 = 8.\nAnswer: 8", "9", False),

    # --- closing_sentence: the answer is stated in a concluding sentence ---------------------
    (
        "closing_sentence",
        "Janet's ducks lay 16 eggs. She eats 3 and bakes with 4: 16 - 3 - 4 = 9 eggs.\n"
        "She sells them at $2 each: 9 * 2 = 18.\nTherefore, Janet makes 18 dollars every day at the farmers' market.",
        "18",
        True,
    ),
    ("closing_sentence", "He sprints 3 times a week, 3 sprints of 60 meters: 3 * 3 * 60 = 540.\nSo, James runs 540 meters a week.", "540", True),
    ("closing_sentence", "Class A collected 45 cans and class B collected 51: 45 + 51 = 96.\nIn total, they collected 96 cans.", "96", True),
    ("closing_sentence", "There were 20 students, and 6 went home early: 20 - 6 = 14.\nThus, there are 14 students left in the class.", "14", True),
    ("closing_sentence", "At 2 GB per minute, 80 GB takes 80 / 2 = 40 minutes.\nHence, Carla will need 40 minutes to download the file.", "40", True),
    ("closing_sentence", "Weng earns $12 an hour, which is 12 / 60 = $0.2 per minute. 50 * 0.2 = 10.\nSo Weng earned $10.", "10", True),
    ("closing_sentence", "Each of the 4 friends gets 30 / 4 = 7.5 slices... wait, 32 / 4 = 8.\nEach friend gets 8 slices.", "8", True),
    # incorrect
    (
        "closing_sentence",
        "Janet's ducks lay 16 eggs. She eats 3 and bakes with 4: 16 - 3 - 4 = 8 eggs.\n"
        "She sells them at $2 each: 8 * 2 = 16.\nTherefore, Janet makes 16 dollars every day at the farmers' market.",
        "18",
        False,
    ),
    ("closing_sentence", "He sprints 3 times a week, 60 meters each time: 3 * 60 = 180.\nSo, James runs 180 meters a week.", "540", False),
    ("closing_sentence", "There were 20 students, and 6 went home early: 20 - 6 = 14. Then 1 more arrived.\nThus, there are 15 students in the class.", "14", False),
    ("closing_sentence", "She reads 12 pages a day; the book has 60 pages: 60 / 12 = 5.\nSo it will take her 5 days to finish.", "6", False),
    (
        "closing_sentence",
        "She had 20 stickers and gave away 8: 20 - 8 = 12. Then she buys 5 more.\nSo she has 12 stickers.",
        "17",
        False,
    ),  # forgot the last step
    ("closing_sentence", "At 2 GB per minute, 80 GB takes 80 * 2 = 160 minutes.\nHence, Carla will need 160 minutes to download the file.", "40", False),
    (
        "closing_sentence",
        "Class A collected 45 cans and class B collected 51: 45 + 51 = 96.\nSo class B collected 6 more cans than class A.",
        "96",
        False,
    ),  # answered a different question; the total appears only in the working

    # --- boxed: \boxed{...} endings -----------------------------------------------------------
    ("boxed", APPLES + r"\boxed{17}", "17", True),
    ("boxed", SALARY + r"So the answer is $\boxed{1,250}$.", "1250", True),
    ("boxed", SALARY + r"So the answer is $\boxed{1{,}250}$.", "1,250", True),
    ("boxed", r"Total: $25.50 + 20.00 = 45.50$. The answer is $\boxed{45.50}$.", "45.5", True),
    ("boxed", r"Total: $25.50 + 20.00 = 45.50$. The answer is $\boxed{\$45.50}$.", "45.5", True),
    ("boxed", APPLES + r"$\boxed{17 \text{ apples}}$", "17", True),
    ("boxed", r"The discount is $\frac{20}{80} \times 100 = 25\%$, so $\boxed{25\%}$.", "25", True),
    ("boxed", r"He ran $6 \times 3 = 18$ miles. $\boxed{18.0}$", "18", True),
    ("boxed", EGGS + r"The answer is $\boxed{72}$.", "$72$", True),
    # incorrect
    ("boxed", APPLES + r"He gives 5 away, so $\boxed{12}$.", "17", False),
    ("boxed", EGGS + r"The answer is $\boxed{71}$.", "72", False),
    ("boxed", r"5 classes of 250 students: $5 \times 250 = 1205$. $\boxed{1205}$", "1250", False),
    ("boxed", APPLES + r"$\boxed{-17}$", "17", False),
    ("boxed", APPLES + r"The answer is $\boxed{}$.", "17", False),  # empty box, no answer
    ("boxed", r"Total: $25.50 + 20.00 = 45.05$. The answer is $\boxed{\$45.05}$.", "45.5", False),

    # --- bare_number: the completion is just the number --------------------------------------
    ("bare_number", "17", "17", True),
    ("bare_number", "1250", "1,250", True),
    ("bare_number", "45.50", "45.5", True),
    ("bare_number", "18", "18.0", True),
    ("bare_number", "17.", "17", True),
    ("bare_number", "$17$", "17", True),
    ("bare_number", " 72\n", "#### 72", True),
    ("bare_number", "1,250", "1250", True),
    # incorrect
    ("bare_number", "16", "17", False),
    ("bare_number", "1025", "1250", False),
    ("bare_number", "4.55", "45.5", False),
    ("bare_number", "81", "18.0", False),
    ("bare_number", "-17", "17", False),
    ("bare_number", "0.17", "17", False),

    # --- multiple_numbers_last_line: bare arithmetic; the last line's result is the answer ------
    ("multiple_numbers_last_line", "3 * 4 = 12\n12 + 5 = 17\n= 17", "17", True),
    ("multiple_numbers_last_line", PENS + "Total: 6 + 20 = 26", "26", True),
    ("multiple_numbers_last_line", "Step 1: 60 / 4 = 15\nStep 2: 15 * 3 = 45\n= 45", "45", True),
    ("multiple_numbers_last_line", "Remaining money: 120 - 45 - 30 = 45", "45", True),
    ("multiple_numbers_last_line", "5 + 7 = 12, 12 * 2 = 24", "24", True),
    ("multiple_numbers_last_line", "250 * 5 = 1250\n1250 - 50 = 1,200", "1200", True),
    ("multiple_numbers_last_line", "Cost per day = 3 × 2.50 = 7.50\nCost for 6 days = 6 × 7.50 = 45", "45.0", True),
    ("multiple_numbers_last_line", "3 × 4 = 12 apples\n12 + 5 = 17 apples", "17", True),
    # incorrect
    ("multiple_numbers_last_line", "3 * 4 = 12\n12 + 5 = 17\n17 - 2 = 15", "17", False),  # gold only in the working
    ("multiple_numbers_last_line", PENS + "Total: 6 + 20 = 26", "6", False),
    ("multiple_numbers_last_line", "3 * 4 = 12\n12 + 5 = 18\n= 18", "17", False),
    ("multiple_numbers_last_line", "Step 1: 60 / 4 = 15\nStep 2: 15 * 3 = 45", "15", False),
    ("multiple_numbers_last_line", "5 + 7 = 12, 12 * 2 = 24", "12", False),
    ("multiple_numbers_last_line", "Cost per day = 3 × 2.50 = 7.50\nCost for 6 days = 6 × 7.50 = 45", "7.5", False),

    # --- negative: signs, the Unicode minus, losses ------------------------------------------
    ("negative", "The temperature was 3 degrees and fell 8 degrees: 3 - 8 = -5.\nThe temperature dropped to -5 degrees.", "-5", True),
    ("negative", "The temperature was 3 degrees and fell 8 degrees: 3 " + MINUS + " 8 = " + MINUS + "5.\nThe answer is " + MINUS + "5.", "-5", True),
    ("negative", r"The submarine is at $-20 + 8 = -12$ meters. $\boxed{-12}$", "-12", True),
    ("negative", "Start at 4, move 7 left: 4-7=<<4-7=-3>>-3\n#### -3", "-3", True),
    ("negative", "He had $50 and now has $30: 30 - 50 = -20.\nThe change in his balance is -$20.", "-20", True),
    ("negative", "The level fell 0.5 m a day for 5 days: 5 × (-0.5) = -2.5.\nThe answer is -2.5", "-2.5", True),
    ("negative", "The final position is $6 - 14 = -8$.\nAnswer: $-8$", "-8", True),
    ("negative", "The temperature was 3 degrees and fell 8 degrees: 3 - 8 = -5.\nThe answer is -5.0.", "-5.0", True),
    # incorrect
    ("negative", "It fell from 3 degrees to -2 degrees: -2 - 3 = -5.\nThe answer is -5.", "5", False),  # asked how many degrees it fell
    ("negative", "The temperature was 3 degrees and fell 8 degrees: 8 - 3 = 5.\nThe answer is 5.", "-5", False),
    ("negative", "Start at 4, move 7 left: 7 - 4 = 3.\nThe answer is 3.", "-3", False),
    ("negative", "The diver was at 12 meters below sea level, so her depth is " + MINUS + "12 m.\nThe answer is " + MINUS + "12.", "12", False),  # asked how deep
    ("negative", "The level fell 0.5 m a day for 5 days: 5 × (-0.5) = -2.5.\nThe answer is -2.5", "2.5", False),
    ("negative", "The final position is $6 - 14 = -8$.\nAnswer: $-6$", "-8", False),

    # --- hedged_or_missing: hedges, several answers, no answer, self-corrections -------------
    ("hedged_or_missing", "First 3 * 4 = 12 boxes. Wait, I forgot the 2 extra boxes: 12 + 2 = 14.\nThe answer is 14.", "14", True),
    ("hedged_or_missing", APPLES + "Let me double-check: 3 * 4 = 12 and 12 + 5 = 17. Yes.\nThe answer is 17.", "17", True),
    ("hedged_or_missing", APPLES + "I'm not completely sure about the wording, but I think the answer is 17.", "17", True),  # debatable: hedged confidence, yet a single stated answer
    ("hedged_or_missing", "So the total is 12 + 5 = 16. Actually, wait: 12 + 5 = 17.\nThe answer is 17.", "17", True),
    ("hedged_or_missing", "The answer is 12... no, I misread: there are 2 more, so 14.\nFinal answer: 14", "14", True),
    # incorrect
    ("hedged_or_missing", "It depends on whether the 2 extra boxes count. The answer is either 12 or 14.", "12", False),
    ("hedged_or_missing", "The answer is 12 or 14, depending on whether the teacher is included.", "14", False),
    ("hedged_or_missing", "First, 3 * 4 = 12 apples. Then we need to add the 5 apples he bought.", "17", False),  # no final answer
    ("hedged_or_missing", "I cannot determine the answer without more information about the apples.", "17", False),
    ("hedged_or_missing", "", "17", False),
    ("hedged_or_missing", "Let's think step by step.", "17", False),
    ("hedged_or_missing", "The speed is 90 / 2 = 45 for the first part, so the average is between 40 and 50 mph.", "45", False),
    ("hedged_or_missing", r"If the extra boxes count, $\boxed{14}$; otherwise $\boxed{12}$.", "14", False),
    ("hedged_or_missing", "Tom has 3 * 4 = 12 apples. Then 12 + 5 = 17 apples. Next, subtract the ones he gave to his sister:", "17", False),  # truncated before any stated answer
    ("hedged_or_missing", "It's 12, or maybe 14. I'm not sure.", "12", False),
    ("hedged_or_missing", APPLES + "Answer: ?", "17", False),
    ("hedged_or_missing", "The answer is approximately 17 or 18 apples.", "17", False),
]
