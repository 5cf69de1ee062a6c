r"""Equivalence cases for the ``math`` verifier, as a careful human grader would judge them.

Each case is ``(category, completion, reference, expected_correct)``. Completions are written the
way answers appear in MATH, GSM8K, AIME and olympiad solutions; references the way those datasets
store them (a LaTeX string, or a number). The same table drives ``tests/test_math_cases.py`` and
``bench/math_verify.py``, so envgym and math-verify are scored against one set of expectations.

Tolerance policy (the default ``rel_tol=1e-6``), decided once and marked ``# tol:`` below:
- a *decimal* answer matches an exact reference when their relative difference is at most 1e-6
  (0.3333333333 is 1/3; 0.333 and 3.14 are not 1/3 and pi);
- two exact integers compare exactly, whatever their size (10000001 is not 10000000, although
  their relative difference is 1e-7): rel_tol exists for rounded decimals, not for near misses;
- a zero reference has no relative neighbourhood: only an exact zero matches it.

Debatable expectations carry a ``# debatable:`` comment with the reason for the choice.
``STRICT_CASES`` holds ``(completion, reference, expected_correct)`` under ``strict=True``, each
one a case where strict mode (no unit/text stripping, no percent conversion, no equation-to-value)
must give the opposite verdict to the default.
"""

from __future__ import annotations

Case = tuple[str, str, "str | int | float", bool]

PM = r"\begin{pmatrix}1&2\\3&4\end{pmatrix}"

CASES: list[Case] = [
    # --- integers with thousands separators --------------------------------------------------
    ("integers", r"\boxed{1,000}", "1000", True),
    ("integers", r"\boxed{1{,}000}", 1000, True),
    ("integers", r"\boxed{1\,000}", "1000", True),
    ("integers", r"So the total is \boxed{10,\!080}.", "10080", True),  # MATH's own `,\!` separator
    ("integers", r"\boxed{1000}", "1{,}000", True),
    ("integers", "The answer is 1,000,000.", 1000000, True),
    ("integers", r"\boxed{-1,024}", -1024, True),
    ("integers", r"\boxed{012}", 12, True),  # AIME answers are often zero-padded to three digits
    ("integers", r"\boxed{1\,000\,000}", 1000000, True),
    ("integers", r"\boxed{1,001}", 1000, False),
    ("integers", r"\boxed{100}", "1,000", False),
    ("integers", r"\boxed{1,2}", 12, False),  # not a thousands group: a list, or a European 1.2
    ("integers", r"\boxed{1,000}", 1, False),
    ("integers", r"\boxed{10,000}", 1000, False),
    # --- decimals ----------------------------------------------------------------------------
    ("decimals", r"\boxed{2.50}", "2.5", True),
    ("decimals", r"\boxed{.5}", "0.5", True),
    ("decimals", r"\boxed{0.5}", r"\frac{1}{2}", True),
    ("decimals", r"\boxed{3.0}", 3, True),
    ("decimals", r"\boxed{-0.75}", r"-\frac34", True),
    ("decimals", r"\boxed{0.1}", 0.1, True),
    ("decimals", r"\boxed{0.1+0.2}", 0.3, True),  # exact decimal arithmetic, not binary floats
    ("decimals", r"\boxed{0.25}", "0.52", False),
    ("decimals", r"\boxed{0.75}", "-0.75", False),
    ("decimals", r"\boxed{2.5}", 25, False),
    ("decimals", r"\boxed{1.05}", "1.5", False),
    ("decimals", r"\boxed{0.5}", 5, False),
    # --- fractions ---------------------------------------------------------------------------
    ("fractions", r"\boxed{\frac{1}{2}}", r"\frac12", True),
    ("fractions", r"\boxed{\dfrac{3}{4}}", r"\frac{3}{4}", True),
    ("fractions", r"\boxed{\tfrac{3}{4}}", "0.75", True),
    ("fractions", r"\boxed{3/4}", r"\frac{3}{4}", True),
    ("fractions", r"\boxed{-\frac{1}{2}}", r"\frac{-1}{2}", True),
    # debatable: MATH asks for lowest terms, but the value is right; an equivalence checker accepts it.
    ("fractions", r"\boxed{\frac{2}{4}}", r"\frac{1}{2}", True),
    ("fractions", r"\boxed{\frac{1}{2}}", 0.5, True),
    ("fractions", r"So the probability is $\boxed{\dfrac{5}{36}}$.", r"\frac{5}{36}", True),
    ("fractions", r"\boxed{\frac{4}{3}}", r"\frac{3}{4}", False),
    ("fractions", r"\boxed{\frac{1}{2}}", r"-\frac{1}{2}", False),
    ("fractions", r"\boxed{\frac{7}{12}}", r"\frac{5}{12}", False),
    ("fractions", r"\boxed{\frac13}", 3, False),
    ("fractions", r"\boxed{\frac{22}{7}}", r"\pi", False),  # tol: relative difference 4e-4
    # --- mixed numbers -----------------------------------------------------------------------
    ("mixed_numbers", r"\boxed{2\frac{1}{2}}", r"\frac{5}{2}", True),
    ("mixed_numbers", r"\boxed{2 \frac{1}{2}}", "2.5", True),
    ("mixed_numbers", r"\boxed{\frac{5}{2}}", r"2\frac{1}{2}", True),
    ("mixed_numbers", r"\boxed{3\frac{1}{4}}", r"\frac{13}{4}", True),
    ("mixed_numbers", r"\boxed{-1\frac{1}{2}}", r"-\frac{3}{2}", True),  # the sign covers the whole number
    ("mixed_numbers", r"\boxed{1\tfrac{3}{4}}", "1.75", True),
    # An integer before a *symbolic* fraction is a product, not a mixed number.
    ("mixed_numbers", r"\boxed{2\frac{\pi}{3}}", r"\frac{2\pi}{3}", True),
    ("mixed_numbers", r"\boxed{2\frac{1}{2}}", "1", False),  # 2 1/2 is not 2 * 1/2
    ("mixed_numbers", r"\boxed{2\frac{1}{2}}", r"\frac{3}{2}", False),
    ("mixed_numbers", r"\boxed{5\frac{1}{3}}", r"\frac{5}{3}", False),
    ("mixed_numbers", r"\boxed{2\frac{1}{2}}", 2, False),
    ("mixed_numbers", r"\boxed{-1\frac{1}{2}}", r"-\frac{1}{2}", False),  # not -1 + 1/2
    # --- percentages (default, non-strict: 50\% matches 50 and 0.5) --------------------------
    ("percentages", r"\boxed{50\%}", "50", True),
    ("percentages", r"\boxed{50\%}", r"50\%", True),
    ("percentages", r"\boxed{50}", r"50\%", True),
    ("percentages", r"\boxed{50\%}", 0.5, True),
    # debatable: "what percent" asked and 0.5 answered; non-strict mode accepts the converted value.
    ("percentages", r"\boxed{0.5}", r"50\%", True),
    ("percentages", "The answer is 25%.", 25, True),
    ("percentages", r"\boxed{12.5\%}", "12.5", True),
    ("percentages", r"\boxed{40\%}", r"\frac{2}{5}", True),
    ("percentages", r"\boxed{25\%}", 0.5, False),
    ("percentages", r"\boxed{5\%}", 50, False),
    ("percentages", r"\boxed{50\%}", "5", False),
    ("percentages", r"\boxed{50}", 0.5, False),  # no percent sign on either side: plain numbers
    ("percentages", r"\boxed{20\%}", r"25\%", False),
    # --- scientific notation -----------------------------------------------------------------
    ("scientific", r"\boxed{1.5\times10^{3}}", 1500, True),
    ("scientific", r"\boxed{1.5 \times 10^3}", "1500", True),
    ("scientific", r"\boxed{1.5e3}", 1500, True),
    ("scientific", r"\boxed{1.5\cdot 10^{3}}", "1500", True),
    ("scientific", r"\boxed{1.5\times10^{-3}}", "0.0015", True),
    ("scientific", r"\boxed{6.02\times 10^{23}}", r"6.02 \times 10^{23}", True),
    ("scientific", r"\boxed{2.5E-2}", 0.025, True),
    ("scientific", r"\boxed{1.5\times10^{3}}", 150, False),
    ("scientific", r"\boxed{1.5\times10^{-3}}", 1500, False),
    ("scientific", r"\boxed{6.02\times10^{23}}", r"6.02\times10^{22}", False),
    ("scientific", r"\boxed{1.5e3}", 1.5, False),
    ("scientific", r"\boxed{3\times10^{8}}", "3e9", False),
    # --- LaTeX: roots, pi, powers, products, delimiters --------------------------------------
    ("latex", r"\boxed{\sqrt{2}}", r"\sqrt2", True),
    ("latex", r"\boxed{\sqrt{8}}", r"2\sqrt{2}", True),
    ("latex", r"\boxed{\sqrt[3]{8}}", 2, True),
    ("latex", r"\boxed{2\sqrt{3}}", r"\sqrt{12}", True),
    ("latex", r"\boxed{\frac{\pi}{2}}", r"\pi/2", True),
    ("latex", r"\boxed{2^{10}}", 1024, True),
    ("latex", r"\boxed{3 \cdot 4}", 12, True),
    ("latex", r"\boxed{3\times 5}", 15, True),
    ("latex", r"\boxed{\left(\frac{1}{2}\right)^{2}}", r"\frac14", True),
    ("latex", r"\boxed{\frac{\sqrt{2}}{2}}", r"\frac{1}{\sqrt{2}}", True),
    ("latex", r"\boxed{\displaystyle\frac{1}{2}}", "0.5", True),
    ("latex", r"\boxed{\sqrt{2}^{3}}", r"2\sqrt{2}", True),
    ("latex", r"\boxed{\infty}", r"\infty", True),
    ("latex", r"\boxed{\frac{1}{2}\pi}", r"\frac{\pi}{2}", True),
    ("latex", r"\boxed{\sqrt{2}\cdot\sqrt{3}}", r"\sqrt6", True),
    ("latex", r"\boxed{\sqrt[3]{8}}", r"\sqrt{8}", False),
    ("latex", r"\boxed{\sqrt{3}}", 3, False),
    ("latex", r"\boxed{2\pi}", r"\pi", False),
    ("latex", r"\boxed{2^{3}}", 9, False),
    ("latex", r"\boxed{\sqrt{2}-1}", r"1-\sqrt{2}", False),
    ("latex", r"\boxed{-\infty}", r"\infty", False),
    ("latex", r"\boxed{\frac{\pi}{3}}", r"\frac{\pi}{6}", False),
    # --- units, currency, degrees and text answers -------------------------------------------
    ("units_text", r"\boxed{10\text{ cm}}", 10, True),
    ("units_text", r"\boxed{10 \text{ cm}}", "10", True),
    ("units_text", r"\boxed{5 \mathrm{m/s}}", 5, True),
    ("units_text", r"\boxed{\$5}", 5, True),
    ("units_text", r"\boxed{\$12.50}", "12.5", True),
    ("units_text", r"\boxed{\$1,250}", 1250, True),
    ("units_text", r"\boxed{30^\circ}", 30, True),
    ("units_text", r"\boxed{30^{\circ}}", "30", True),
    ("units_text", r"\boxed{30}", r"30^\circ", True),
    ("units_text", r"\boxed{100\text{ m}^2}", 100, True),  # the square belongs to the unit
    ("units_text", r"\boxed{5}", r"5\text{ cm}", True),
    ("units_text", r"\boxed{\text{(C)}}", r"\text{(C)}", True),
    ("units_text", r"\boxed{C}", r"\text{(C)}", True),  # debatable: the same choice, without the parentheses
    ("units_text", r"\boxed{\text{even}}", r"\text{even}", True),
    ("units_text", r"\boxed{\text{5}}", 5, True),
    ("units_text", r"\boxed{15\ \text{dollars}}", 15, True),
    ("units_text", r"\boxed{30^\circ}", 60, False),
    ("units_text", r"\boxed{12 \text{ cm}}", 10, False),
    ("units_text", r"\boxed{5\text{ m/s}}", 50, False),
    ("units_text", r"\boxed{\$12.50}", "12.05", False),
    ("units_text", r"\boxed{\text{(B)}}", r"\text{(C)}", False),
    ("units_text", r"\boxed{\text{odd}}", r"\text{even}", False),  # stripping text must not equate all words
    ("units_text", r"\boxed{8\text{ hours}}", 480, False),  # no unit conversion: 8 is not 480
    ("units_text", r"\boxed{\text{cm}}", 10, False),  # a unit alone is not an answer
    # --- symbolic expressions ----------------------------------------------------------------
    ("symbolic", r"\boxed{x^2+2x+1}", "(x+1)^2", True),
    ("symbolic", r"\boxed{(x+1)^2}", "x^2+2x+1", True),
    ("symbolic", r"\boxed{x^2-1}", "(x-1)(x+1)", True),
    ("symbolic", r"\boxed{2x+3}", "3+2x", True),
    ("symbolic", r"\boxed{\frac{\sqrt{3}}{2}}", r"\sqrt{3}/2", True),
    ("symbolic", r"\boxed{0.8660254}", r"\frac{\sqrt{3}}{2}", True),  # tol: relative difference 4e-9
    ("symbolic", r"\boxed{\frac{x}{2}}", "0.5x", True),
    ("symbolic", r"\boxed{2ab}", "2ba", True),
    ("symbolic", r"\boxed{x(x+1)}", "x^2+x", True),
    ("symbolic", r"\boxed{1+2i}", "2i+1", True),
    ("symbolic", r"\boxed{3\pi}", 9.42477796, True),  # tol: relative difference 8e-11 to a float reference
    ("symbolic", r"\boxed{\frac{1}{x+1}}", "(x+1)^{-1}", True),
    ("symbolic", r"\boxed{\frac{x+1}{2}}", r"\frac{x}{2}+\frac{1}{2}", True),
    ("symbolic", r"\boxed{x^2+2x+1}", "(x-1)^2", False),
    ("symbolic", r"\boxed{2x+3}", "2y+3", False),
    ("symbolic", r"\boxed{0.866}", r"\frac{\sqrt{3}}{2}", False),  # tol: relative difference 5e-5
    ("symbolic", r"\boxed{x^3}", "x^2", False),
    ("symbolic", r"\boxed{1-2i}", "1+2i", False),
    ("symbolic", r"\boxed{x^2+x}", "x^2-x", False),
    ("symbolic", r"\boxed{\frac{x}{2}}", "2x", False),
    ("symbolic", r"\boxed{x^2 + 2x + 1}", "x^2+2x", False),
    # --- equations versus values (default: an assignment stands for its value) --------------
    ("equations", r"\boxed{x = 3}", 3, True),
    ("equations", r"\boxed{x=3}", "3", True),
    ("equations", r"\boxed{3}", "x=3", True),
    ("equations", r"\boxed{y = 2x+1}", "2x+1", True),
    ("equations", r"\boxed{y=2x+1}", "y=2x+1", True),
    ("equations", r"\boxed{y = 2x + 1}", "y = 1 + 2x", True),
    ("equations", "The answer is $x = 5$.", 5, True),
    ("equations", r"\boxed{k=\frac{1}{2}}", "0.5", True),
    ("equations", r"\boxed{f(x) = x^2}", "x^2", True),
    # debatable: the same line with its sides swapped; a grader accepts it, a value-only rule would not.
    ("equations", r"\boxed{2x+1=y}", "y=2x+1", True),
    ("equations", r"\boxed{y = -\frac{1}{2}x + 3}", r"-\frac{x}{2}+3", True),
    ("equations", r"\boxed{x = 3}", 4, False),
    ("equations", r"\boxed{y = 2x-1}", "2x+1", False),
    ("equations", r"\boxed{x = -3}", 3, False),
    ("equations", r"\boxed{y = 3x}", 3, False),  # the value is 3x, not 3
    ("equations", r"\boxed{y=2x+1}", "y=2x+2", False),
    ("equations", r"\boxed{a = 2}", "a = -2", False),
    # --- intervals ---------------------------------------------------------------------------
    ("intervals", r"\boxed{[1, 3)}", "[1,3)", True),
    ("intervals", r"\boxed{(-\infty, 2]}", r"(-\infty,2]", True),
    ("intervals", r"\boxed{(-\infty, -1) \cup (1, \infty)}", r"(-\infty,-1)\cup(1,\infty)", True),
    ("intervals", r"\boxed{[0, \infty)}", r"[0,\infty)", True),
    ("intervals", r"\boxed{\left[ \frac{1}{2}, 2 \right)}", "[0.5, 2)", True),
    ("intervals", r"\boxed{(1, \infty)}", r"(1,\infty)", True),
    # debatable: the same solution set as an inequality; graders of MATH accept it.
    ("intervals", r"\boxed{x > 1}", r"(1, \infty)", True),
    ("intervals", r"\boxed{(-\infty, 2)}", r"(-\infty, 2]", False),
    ("intervals", r"\boxed{[1,3]}", "[1,3)", False),
    ("intervals", r"\boxed{(1,3)}", "[1,3]", False),
    ("intervals", r"\boxed{(-\infty,-1)\cup(1,\infty)}", r"(-\infty,-1]\cup[1,\infty)", False),
    ("intervals", r"\boxed{[2,5]}", "[2,6]", False),
    ("intervals", r"\boxed{(-\infty, 2]}", r"[2, \infty)", False),
    # --- sets (order and repetition do not matter) -------------------------------------------
    ("sets", r"\boxed{\{1,2,3\}}", r"\{3,2,1\}", True),
    ("sets", r"\boxed{\{1, 2\}}", r"\{2, 1\}", True),
    ("sets", r"\boxed{\{-1, 1\}}", r"\{1,-1\}", True),
    ("sets", r"\boxed{\{\frac12, 2\}}", r"\{2, 0.5\}", True),
    ("sets", r"\boxed{\{1,1,2\}}", r"\{1,2\}", True),
    ("sets", "The answer is {1, 2, 3}.", r"\{3,2,1\}", True),
    ("sets", r"\boxed{\{1,2,3\}}", "{3,2,1}", True),
    ("sets", r"\boxed{\emptyset}", r"\varnothing", True),
    ("sets", r"\boxed{\{1,2\}}", r"\{1,2,3\}", False),
    ("sets", r"\boxed{\{1,2,3\}}", r"\{1,2,4\}", False),
    ("sets", r"\boxed{\{0\}}", r"\emptyset", False),
    ("sets", r"\boxed{\{1,2,3,4\}}", r"\{1,2,3\}", False),
    ("sets", r"\boxed{\{-1, 1\}}", r"\{1\}", False),
    # --- tuples and ordered pairs (order matters) --------------------------------------------
    ("tuples", r"\boxed{(1,2)}", "(1,2)", True),
    ("tuples", r"\boxed{\left(\frac{1}{2}, 3\right)}", "(0.5,3)", True),
    ("tuples", r"\boxed{(3, -1, 2)}", "(3,-1,2)", True),
    ("tuples", r"\boxed{(2\sqrt{2}, \pi)}", r"(\sqrt{8}, \pi)", True),
    ("tuples", r"\boxed{\left( -\frac{1}{2}, \frac{3}{2} \right)}", "(-0.5, 1.5)", True),
    ("tuples", r"\boxed{( 4 , 5 )}", "(4,5)", True),
    ("tuples", r"The point is $(2, -3)$, so the answer is $\boxed{(2,-3)}$.", "(2,-3)", True),
    ("tuples", r"\boxed{(1, 2)}", "(2,1)", False),
    ("tuples", r"\boxed{(1,-2)}", "(1,2)", False),
    ("tuples", r"\boxed{(3,-1,2)}", "(3,2,-1)", False),
    ("tuples", r"\boxed{(1,2)}", "(1,2,3)", False),
    ("tuples", r"\boxed{(1,2)}", "[1,2]", False),  # a pair or an open interval, never the closed one
    ("tuples", r"\boxed{(0,0)}", "(0,1)", False),
    # --- matrices and vectors ----------------------------------------------------------------
    ("matrices", rf"\boxed{{{PM}}}", PM, True),
    ("matrices", r"\boxed{\begin{bmatrix}1&2\\3&4\end{bmatrix}}", PM, True),
    ("matrices", r"\boxed{\begin{pmatrix} 1 \\ 2 \end{pmatrix}}", r"\begin{pmatrix}1\\2\end{pmatrix}", True),
    ("matrices", r"\boxed{\begin{pmatrix} \frac{1}{2} \\ -1 \end{pmatrix}}", r"\begin{pmatrix}0.5\\-1\end{pmatrix}", True),
    ("matrices", r"\boxed{\begin{pmatrix} 2 & 0 \\ 0 & 2 \end{pmatrix}}", r"\begin{bmatrix}2&0\\0&2\end{bmatrix}", True),
    ("matrices", r"\boxed{\begin{pmatrix} -1 & 2 \\ 0 & 3 \end{pmatrix}}", r"\begin{pmatrix}-1&2\\0&3\end{pmatrix}", True),
    ("matrices", r"\boxed{\begin{pmatrix} \sqrt{8} \\ 1 \end{pmatrix}}", r"\begin{pmatrix} 2\sqrt{2} \\ 1 \end{pmatrix}", True),
    ("matrices", r"\boxed{\begin{pmatrix}1&3\\2&4\end{pmatrix}}", PM, False),  # the transpose
    # debatable: same entries, different shape; MATH's vectors are columns, so a row is wrong.
    ("matrices", r"\boxed{\begin{pmatrix}1\\2\end{pmatrix}}", r"\begin{pmatrix}1&2\end{pmatrix}", False),
    ("matrices", r"\boxed{\begin{pmatrix}1&2\\3&5\end{pmatrix}}", PM, False),
    ("matrices", r"\boxed{\begin{pmatrix}1\\2\\3\end{pmatrix}}", r"\begin{pmatrix}3\\2\\1\end{pmatrix}", False),
    ("matrices", r"\boxed{\begin{pmatrix}1&2\\3&4\end{pmatrix}}", r"\begin{pmatrix}-1&-2\\-3&-4\end{pmatrix}", False),
    # --- several answers (all of them, in any order, nothing extra) ---------------------------
    ("multiple_answers", r"\boxed{x = 1, x = 2}", "2, 1", True),
    ("multiple_answers", r"\boxed{1 \text{ or } 2}", "1, 2", True),
    ("multiple_answers", r"\boxed{1, 2}", "2,1", True),
    ("multiple_answers", r"\boxed{-2, 3}", "3, -2", True),
    ("multiple_answers", r"\boxed{\pm 2}", "2, -2", True),
    ("multiple_answers", r"\boxed{x = \pm\sqrt{3}}", r"\sqrt{3}, -\sqrt{3}", True),
    ("multiple_answers", r"\boxed{1 \text{ and } 2}", "1, 2", True),
    ("multiple_answers", r"\boxed{2, -2}", r"\pm 2", True),
    ("multiple_answers", r"\boxed{\frac{1}{2}, 3}", r"3, \frac{1}{2}", True),
    ("multiple_answers", r"\boxed{1, 2}", "1, 2, 3", False),
    ("multiple_answers", r"\boxed{1, 2, 3}", "1, 2", False),
    ("multiple_answers", r"\boxed{2}", "1, 2", False),
    ("multiple_answers", r"\boxed{x=1, x=3}", "1,2", False),
    ("multiple_answers", r"\boxed{\pm 2}", "2", False),  # two values given where one was asked
    ("multiple_answers", r"\boxed{1, -2}", "-1, 2", False),
    # --- finding the answer in the completion ------------------------------------------------
    ("extraction", r"\boxed{\frac{1}{\sqrt{2}}}", r"\frac{\sqrt{2}}{2}", True),
    ("extraction", "The answer is 42.", 42, True),
    ("extraction", "Natalia sold 48/2 = 24 clips in May.\n"
                   "Natalia sold 48+24 = 72 clips altogether in April and May.\n#### 72", "72", True),
    ("extraction", "I counted 5 red and 12 blue marbles, so there are 17 marbles in total.", 17, True),
    ("extraction", r"So the final answer is $\boxed{\dfrac{7}{2}}$.", r"\frac72", True),
    ("extraction", r"We get \boxed{12}. Check: 12 - 2 = 10, as required.", 12, True),  # the box wins over later numbers
    ("extraction", r"\boxed{{42}}", 42, True),
    ("extraction", "Final Answer: The final answer is $3$. I hope it is correct.", 3, True),  # Minerva's format
    ("extraction", r"\fbox{7}", 7, True),
    ("extraction", "Each costs $300 and there are 4.\n#### $1,200", 1200, True),
    ("extraction", r"Therefore, the answer is \frac{3}{4}.", 0.75, True),
    ("extraction", r"\boxed{7} and, to be sure, \boxed{7}", 7, True),
    ("extraction", "**Final Answer**\n\n\\[\n\\boxed{18}\n\\]", 18, True),  # the R1 / Qwen layout
    ("extraction", "So x = 4, and the answer is 4 apples.", 4, True),
    ("extraction", "#### 72", 27, False),
    ("extraction", "There are 3 red and 4 blue, 7 in total.", 3, False),  # the last number is 7
    ("extraction", r"\boxed{}", 0, False),
    ("extraction", "", 0, False),
    ("extraction", "I don't know.", 0, False),
    ("extraction", r"\boxed{\frac{1}{\sqrt{2}}}", r"\sqrt{2}", False),
    ("extraction", "**Final Answer**\n\n\\[\n\\boxed{18}\n\\]", 81, False),
    # --- wrong-answer traps: near misses, sign errors, tolerance edges, hacks ------------------
    ("traps", r"\boxed{0.333}", r"\frac{1}{3}", False),  # tol: relative difference 1e-3
    ("traps", r"\boxed{0.3333333333}", r"\frac13", True),  # tol: relative difference 1e-10
    ("traps", r"\boxed{0.6666666667}", r"\frac{2}{3}", True),  # tol: rounded last digit, 5e-11
    ("traps", r"\boxed{0.33}", "1/3", False),  # tol: 1e-2
    ("traps", r"\boxed{3.14}", r"\pi", False),  # tol: 5e-4
    ("traps", r"\boxed{3.14159265}", r"\pi", True),  # tol: 1e-9; debatable, but the value is right to 8 places
    ("traps", r"\boxed{1.41421356}", r"\sqrt{2}", True),  # tol: 2e-9
    ("traps", r"\boxed{1.7320508}", r"\sqrt3", True),  # tol: 4e-8
    ("traps", r"\boxed{-5}", 5, False),
    ("traps", r"\boxed{5}", -5, False),
    ("traps", r"\boxed{1001}", 1000, False),
    ("traps", r"\boxed{10000001}", 10000000, False),  # tol: exact integers compare exactly
    ("traps", r"\boxed{10^{10}}", 10000000001, False),  # tol: exact integers compare exactly
    ("traps", r"\boxed{10^{10}}", 10000000000, True),
    ("traps", r"\boxed{12}", 21, False),
    ("traps", r"\boxed{\frac{1}{2}}", 2, False),  # the reciprocal
    ("traps", r"\boxed{1} \boxed{2} \boxed{3}", 2, False),  # box stuffing: several different answers
    ("traps", r"\boxed{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}", 7, False),  # listing candidates
    ("traps", "The answer is 7 or 8.", 7, False),  # hedging
    ("traps", r"\boxed{x}", 5, False),
    ("traps", r"\boxed{1e-7}", 0, False),  # tol: a zero reference has no relative neighbourhood
    ("traps", r"\boxed{-0}", 0, True),
    ("traps", r"\boxed{\frac{\sqrt{3}}{2}}", r"\frac{\sqrt{2}}{2}", False),
    ("traps", r"\boxed{0.0001}", "0.001", False),
]

# strict=True: no unit/text stripping, no percent conversion, no equation-to-value. Every case
# here is correct under the default options and must be rejected under strict ones.
STRICT_CASES: list[tuple[str, "str | int | float", bool]] = [
    (r"\boxed{50\%}", "50", False),
    (r"\boxed{50\%}", 0.5, False),
    (r"\boxed{0.5}", r"50\%", False),
    (r"\boxed{50}", r"50\%", False),
    ("The answer is 25%.", 25, False),
    (r"\boxed{40\%}", r"\frac{2}{5}", False),
    (r"\boxed{10\text{ cm}}", 10, False),
    (r"\boxed{5 \mathrm{m/s}}", 5, False),
    (r"\boxed{100\text{ m}^2}", 100, False),
    (r"\boxed{30^\circ}", 30, False),  # the degree sign is a unit
    (r"\boxed{5}", r"5\text{ cm}", False),
    (r"\boxed{x = 3}", 3, False),
    (r"\boxed{3}", "x=3", False),
    (r"\boxed{y = 2x+1}", "2x+1", False),
    (r"\boxed{k=\frac{1}{2}}", "0.5", False),
    (r"\boxed{f(x) = x^2}", "x^2", False),
    (r"\boxed{x = 1, x = 2}", "2, 1", False),
]

# Categories where strict mode changes nothing: their true cases must stay true under strict=True.
STRICT_NEUTRAL = frozenset({
    "integers", "decimals", "fractions", "mixed_numbers", "scientific", "latex", "symbolic",
    "intervals", "sets", "tuples", "matrices",
})
