r"""Olympiad-style answer-equivalence cases, as a careful human grader would judge them.

Each case is ``(category, completion, gold, expected_correct)``.

Golds are written the way competition datasets store them:

- AIME: integers 0-999, often zero-padded (``"033"``) and sometimes not (``"33"``);
- NuminaMath-CoT, OlympiadBench and AMC: answers often kept inside their math delimiters
  (``"$\frac{\sqrt{3}}{2}$"``, ``"\(2\)"``, ``"$$x=1$$"``, ``"\[ (1, 2) \]"``), sometimes still
  boxed (``"$\boxed{5}$"``), as intervals, sets, tuples, ``"a=2, b=3"``, ``"3 \text{ and } 5"``,
  function definitions (``"$f(x) = x^2$"``), and multiple-choice golds in AMC style
  (``"$\textbf{(B)}\ 12$"``, ``"B"``, ``"(B)"``);
- Omni-MATH: closed-form expressions (``"n(n+1)/2"``, ``"2^{n}-1"``, ``"\binom{2n}{n}"``,
  ``"\log_2 3"``, ``"e^{\pi}"``, ``"1+\sqrt{2}"``).

Completions imitate chat / reasoning models: a few lines of working with intermediate
expressions that are *not* the answer, ending in a boxed answer (sometimes several boxes),
"Therefore, the answer is ...", "**Final Answer**" blocks, a sentence such as "Hence
$f(x)=x^2$ for all real $x$.", "Answer: (B)", an unboxed closing display, or LaTeX-free text
("the answer is sqrt(2)/2").

Grading policy applied when writing the expectations:

- mathematically equivalent forms are correct; AIME ``033`` equals ``33``;
- a decimal matches an exact irrational gold only within relative 1e-6;
- sets ignore order, tuples do not; intervals need matching brackets;
- for several solutions, all of them and nothing else;
- several *different* boxed answers when the gold is a single value are wrong (boxing every
  candidate), and a completion that hedges or never commits to a final answer is wrong;
- an equation or interval or tuple that merely *contains* the gold's number is not the gold
  (``x^2-4=0`` is not ``2``), but an equation that *names* the value (``y = 4``) is.

Debatable expectations carry a ``# debatable:`` comment with the reason for the choice.
"""

from __future__ import annotations


def _c(*lines: str) -> str:
    """Join completion lines with newlines (lines are raw strings so LaTeX stays intact)."""
    return "\n".join(lines)


CASES: list[tuple[str, str, str, bool]] = [
    # ------------------------------------------------------------------------------------------
    # aime_integers: golds 0-999, padded or not
    # ------------------------------------------------------------------------------------------
    ("aime_integers", _c(
        r"Let the roots be $r$ and $s$, so $r+s = 11$ and $rs = 22$.",
        r"Then $r^2 + s^2 = (r+s)^2 - 2rs = 121 - 44 = 77$.",
        r"The requested quantity is $r^2 + s^2 - 44 = 77 - 44 = 33$.",
        r"Therefore, the answer is $\boxed{033}$.",
    ), "033", True),
    ("aime_integers", _c(
        r"There are $\binom{12}{2} = 66$ unordered pairs of distinct labels.",
        r"By the symmetry $a \leftrightarrow b$, exactly half of them have $a<b$ with the required parity.",
        r"So the count is $66/2 = 33$.",
        r"Therefore, the answer is $\boxed{033}$.",
    ), "33", True),
    ("aime_integers", _c(
        r"We need $n^2 \equiv 1 \pmod{8}$ with $1 \le n \le 66$.",
        r"Every odd $n$ works, and there are $66/2 = 33$ odd numbers in range.",
        r"\boxed{33}",
    ), "033", True),
    ("aime_integers", _c(
        r"Each block of $10$ consecutive integers contributes $3$ solutions of $x^3 \equiv x \pmod{10}$ with $x$ odd.",
        r"There are $11$ such blocks below $110$, so we get $3 \cdot 11 = 33$ solutions.",
        r"So the total is $33$.",
        r"\boxed{33}",
    ), "330", False),
    ("aime_integers", _c(
        r"The sum of the digits of $2^{10} = 1024$ is $1+0+2+4 = 7$.",
        r"Checking the smaller cases $2^4 = 16$ and $2^7 = 128$ gives $7$ and $11$, consistent with the pattern.",
        r"Therefore, the answer is $\boxed{007}$.",
    ), "7", True),
    ("aime_integers", _c(
        r"Let $N = \overline{abc}$. The conditions give $a + b + c = 6$ and $a - b + c = 6$, so $b = 0$.",
        r"The divisibility condition then forces $a = 2$ and $c = 4$.",
        r"Assembling the number as $100c + 10b + a$, we get $N = 402$.",
        r"\boxed{402}",
    ), "204", False),
    ("aime_integers", _c(
        r"The interior angle sum of the hexagon is $(6-2)\cdot 180 = 720$.",
        r"The five known angles sum to $666$, so the sixth is $720 - 666 = 54$.",
        r"Therefore, the answer is $\boxed{54}$.",
    ), "540", False),
    ("aime_integers", _c(
        r"Let the speeds be $v$ and $v + 20$. Covering $150$ km, the slower car needs $\frac{150}{v}$ hours and the faster $\frac{150}{v+20}$.",
        r"The difference is $\frac{150}{v} - \frac{150}{v+20} = 2$, so $v^2 + 20v - 1500 = 0$ and $v = 30$ (check: $5 - 3 = 2$).",
        r"The requested sum of the speeds is $30 + 50 = 80$.",
        r"The answer is 80.",
    ), "080", True),
    ("aime_integers", _c(
        r"We need the remainder of $1996 \cdot 1001$ when divided by $1000$.",
        r"$1996 \equiv 996$ and $1001 \equiv 1 \pmod{1000}$.",
        r"So the product is $\equiv 996 \cdot 1 = 996$.",
        r"\boxed{996}",
    ), "996", True),
    ("aime_integers", _c(
        r"Each of the two independent events has probability $1 - \frac{1}{8} = \frac{7}{8}$, so $P = \frac{7}{8}\cdot\frac{7}{8} = \frac{49}{64}$.",
        r"Since $\gcd(49, 64) = 1$, we have $m = 49$, $n = 64$.",
        r"so $m+n = \boxed{113}$.",
    ), "113", True),
    ("aime_integers", _c(
        r"Each of the two independent events happens with probability $\frac{7}{8}$.",
        r"So the probability that both happen is $\frac{7}{8}\cdot\frac{7}{8} = \frac{49}{64}$, already in lowest terms.",
        r"\boxed{\frac{49}{64}}",
    ), "113", False),
    ("aime_integers", _c(
        r"We compute $7^{100} - 3^{100} \pmod{1000}$ using $\lambda(1000) = 100$.",
        r"Both $7^{100} \equiv 1$ and $3^{100} \equiv 1 \pmod{1000}$, so the difference is $\equiv 0$.",
        r"Therefore, the answer is $\boxed{000}$.",
    ), "0", True),
    ("aime_integers", _c(
        r"The number of lattice points with $0 \le x, y \le 30$ is $31^2 = 961$.",
        r"We must remove the $60$ points on the two axes except the origin, leaving $961 - 60 = 901$... ",
        r"but the origin was also excluded by the condition, so we subtract one more: $900$.",
        r"\boxed{900}",
    ), "901", False),
    ("aime_integers", _c(
        r"The sequence $a_n = a_{n-1} + a_{n-2}$ with $a_1 = 1$, $a_2 = 2$ gives $3, 5, 8, 13, 21$.",
        r"So $a_7 = 21$.",
        r"**Final Answer**",
        r"\boxed{021}",
    ), "21", True),
    ("aime_integers", _c(
        r"From the two cases we get $N = 588$ when $k = 12$ and $N = 589$ when $k = 13$.",
        r"It is not clear which case the problem intends.",
        r"\boxed{588 \text{ or } 589}",
    ), "588", False),
    # debatable: AIME golds are plain integers; the degree sign is a unit, not a different answer.
    ("aime_integers", _c(
        r"The angles of the triangle are in the ratio $1:1:4$, so they are $30^\circ$, $30^\circ$ and one more.",
        r"The largest angle is $\frac{4}{6}\cdot 180^\circ = 120^\circ$.",
        r"\boxed{120^\circ}",
    ), "120", True),

    # ------------------------------------------------------------------------------------------
    # delimited_golds: golds stored inside $...$, \(...\), $$...$$, \[...\]
    # ------------------------------------------------------------------------------------------
    ("delimited_golds", _c(
        r"In the equilateral triangle of side $1$, the altitude splits the base into halves of length $\frac{1}{2}$.",
        r"By Pythagoras, $h^2 = 1 - \frac{1}{4} = \frac{3}{4}$.",
        r"So $h = \boxed{\frac{\sqrt{3}}{2}}$.",
    ), r"$\frac{\sqrt{3}}{2}$", True),
    ("delimited_golds", _c(
        r"The altitude satisfies $h^2 + \left(\frac{1}{2}\right)^2 = 1$.",
        r"I'll use $\tan 30^\circ = \frac{h}{1}$ instead, so $h = \frac{1}{\sqrt{3}}$.",
        r"So $h = \boxed{\frac{\sqrt{3}}{3}}$.",
    ), r"$\frac{\sqrt{3}}{2}$", False),
    ("delimited_golds", _c(
        r"Substituting $x = 3$ gives $f(3) = 9 - 12 + 5 = 2$.",
        r"Check: $f(1) = 1 - 4 + 5 = 2$ as well, consistent with symmetry about $x=2$.",
        r"\boxed{2}",
    ), r"\(2\)", True),
    ("delimited_golds", _c(
        r"The slope between $(1, 4)$ and $(3, 0)$ is $\frac{0-4}{3-1}$.",
        r"That is $\frac{-4}{2}$.",
        r"\boxed{-2}",
    ), r"\(2\)", False),
    ("delimited_golds", _c(
        r"Squaring both sides of $\sqrt{x+3} = x + 1$ gives $x + 3 = x^2 + 2x + 1$, so $x^2 + x - 2 = 0$.",
        r"The roots are $x = 1$ and $x = -2$; but $x=-2$ gives $\sqrt{1} = -1$, which is false.",
        r"\boxed{x=1}",
    ), r"$$x=1$$", True),
    # debatable: the gold equation just names the value of x; the bare value 1 is the same answer.
    ("delimited_golds", _c(
        r"From $2^{x+1} = 4$ we get $x + 1 = 2$.",
        r"Hence the unique solution is",
        r"\boxed{1}",
    ), r"$$x=1$$", True),
    ("delimited_golds", _c(
        r"Squaring $\sqrt{x+3} = x + 1$ gives $x^2 + x - 2 = 0$, i.e. $(x-1)(x+2) = 0$.",
        r"Since the left side is nonnegative we need $x+1 \ge 0$... I'll take the root from the factor $(x+1)$.",
        r"\boxed{x=-1}",
    ), r"$$x=1$$", False),
    ("delimited_golds", _c(
        r"Adding the equations $x + y = 3$ and $x - y = -1$ gives $2x = 2$, so $x = 1$.",
        r"Then $y = 3 - 1 = 2$.",
        r"The solution is $\boxed{(1,2)}$.",
    ), r"\[ (1, 2) \]", True),
    ("delimited_golds", _c(
        r"From $x + y = 3$ and $x - y = -1$ we get $2y = 4$.",
        r"Hence $y = 2$ and $x = 1$; writing the pair as $(y, x)$:",
        r"The solution is $\boxed{(2,1)}$.",
    ), r"\[ (1, 2) \]", False),
    ("delimited_golds", _c(
        r"We need $\lfloor 2x \rfloor = \lfloor x \rfloor + \lfloor x + \tfrac12 \rfloor$... and the extra condition $0 \le x < 1$.",
        r"At $x = 1$ the left side becomes $2$ while the constraint fails.",
        r"So the set of valid $x$ is $\boxed{[0,1)}$.",
    ), r"$[0,1)$", True),
    ("delimited_golds", _c(
        r"The function $g(x) = x - \lfloor x \rfloor$ takes values $g(0) = 0$ and approaches $1$.",
        r"The range includes $0$ and every value up to $1$.",
        r"So the range is $\boxed{[0,1]}$.",
    ), r"$[0,1)$", False),
    ("delimited_golds", _c(
        r"The quadratic $x^2 - x - 2 = 0$ factors as $(x - 2)(x + 1) = 0$.",
        r"The discriminant is $1 + 8 = 9$, confirming two real roots.",
        r"The solution set is $\boxed{\{2,-1\}}$.",
    ), r"$\{ -1, 2 \}$", True),
    ("delimited_golds", _c(
        r"The equation $x^2 - x - 2 = 0$ factors as $(x-2)(x+1)=0$.",
        r"But $x = 2$ makes the denominator $x - 2$ vanish, so we discard it.",
        r"The solution set is $\boxed{\{-1\}}$.",
    ), r"$\{ -1, 2 \}$", False),
    ("delimited_golds", _c(
        r"There are $4$ equally likely outcomes for two coin flips: $HH, HT, TH, TT$.",
        r"Only $HH$ qualifies.",
        r"The final answer is $0.25$",
    ), r"$\frac{1}{4}$", True),
    ("delimited_golds", _c(
        r"The favorable outcomes number $\binom{5}{2} = 10$ out of $\binom{9}{2}\cdot\frac{2}{3} = 24$.",
        r"So the probability is $\frac{10}{24}$, which simplifies.",
        r"\boxed{\frac{5}{12}}",
    ), r"\(\dfrac{5}{12}\)", True),
    ("delimited_golds", _c(
        r"The diagonal of the unit square has length $\sqrt{1^2 + 1^2}$.",
        r"Numerically this is about",
        r"\boxed{1.414}",
    ), r"$\sqrt{2}$", False),

    # ------------------------------------------------------------------------------------------
    # boxed_golds: golds that still carry \boxed{...}
    # ------------------------------------------------------------------------------------------
    ("boxed_golds", _c(
        r"Let the number be $n$. Then $3n + 7 = 22$, so $3n = 15$.",
        r"Dividing, $n = 15/3$.",
        r"\boxed{5}",
    ), r"$\boxed{5}$", True),
    ("boxed_golds", _c(
        r"Let the number be $n$. Then $3n + 7 = 22$, so $3n = 18$.",
        r"Dividing, $n = 18/3$.",
        r"\boxed{6}",
    ), r"$\boxed{5}$", False),
    ("boxed_golds", _c(
        r"Three of the four quadrants satisfy the condition, each with probability $\frac{1}{4}$.",
        r"So the probability is $3 \times 0.25$.",
        r"\boxed{0.75}",
    ), r"\boxed{\frac{3}{4}}", True),
    ("boxed_golds", _c(
        r"The ratio of the areas is $\frac{16}{12}$ after scaling by $\frac{4}{3}$ in one direction.",
        r"Simplifying the ratio gives",
        r"\boxed{\frac{4}{3}}",
    ), r"\boxed{\frac{3}{4}}", False),
    ("boxed_golds", _c(
        r"By AM-GM, $x + \frac{2}{x} \ge 2\sqrt{x \cdot \frac{2}{x}}$ for $x > 0$.",
        r"Equality holds when $x^2 = 2$, i.e. $x = \sqrt{2}$.",
        r"The minimum value is $2\sqrt{2}$.",
    ), r"$\boxed{2\sqrt{2}}$", True),
    ("boxed_golds", _c(
        r"By AM-GM, $x + \frac{2}{x} \ge 2\sqrt{2}$, attained at $x = \sqrt{2}$.",
        r"So the minimum is reached at",
        r"\boxed{\sqrt{2}}",
    ), r"$\boxed{2\sqrt{2}}$", False),
    ("boxed_golds", _c(
        r"The vertex of $y = x^2 + 6x + 6$ is at $x = -\frac{6}{2} = -3$.",
        r"There $y = 9 - 18 + 6$.",
        r"\boxed{-3}",
    ), r"\[\boxed{-3}\]", True),
    ("boxed_golds", _c(
        r"The vertex of $y = x^2 + 6x + 6$ is at $x = \frac{6}{2}$.",
        r"So the $x$-coordinate of the vertex is",
        r"\boxed{3}",
    ), r"\[\boxed{-3}\]", False),
    ("boxed_golds", _c(
        r"Solving $2x + y = 4$ and $x + 3y = 7$: from the first, $y = 4 - 2x$.",
        r"Then $x + 12 - 6x = 7$, so $x = 1$ and $y = 2$.",
        r"\boxed{(1, 2)}",
    ), r"$\boxed{(1,2)}$", True),
    ("boxed_golds", _c(
        r"The primes below $60$ that are $1 \bmod 4$ are $5, 13, 17, 29, 37, 41, 53$, that is $7$ of them.",
        r"Those that are $3 \bmod 4$: $3, 7, 11, 19, 23, 31, 43, 47, 59$, that is $9$; plus $2$ and the $7$ above gives $17$ primes in total.",
        r"Answer: 17",
    ), r"$\boxed{17}$", True),
    ("boxed_golds", _c(
        r"The choices are (A) 18, (B) 20, (C) 24, (D) 30, (E) 36.",
        r"We have $4! = 24$ arrangements of the four distinct books.",
        r"Answer: (C)",
    ), r"$\boxed{\textbf{(C)}\ 24}$", True),
    ("boxed_golds", _c(
        r"The arrangements with the two red books adjacent number $2 \cdot 3! = 12$, so the rest number $24 - 12$.",
        r"That is $12$... among the choices, the closest is $20$.",
        r"\boxed{B}",
    ), r"$\boxed{\textbf{(C)}\ 24}$", False),
    ("boxed_golds", _c(
        r"Suppose $p(x) = ax^2 + bx + c$. Then $p(0) = c = 1$, $p(1) = a + b + 1 = 2$, $p(-1) = a - b + 1 = 2$.",
        r"So $b = 0$ and $a = 1$.",
        r"\boxed{1+x^2}",
    ), r"$\boxed{x^2+1}$", True),
    ("boxed_golds", _c(
        r"Suppose $p(x) = ax^2 + bx + c$ with $p(0) = c$. From $p(0) = -1$ (misreading the condition) and $p(1) = 0$,",
        r"we get $a + b = 1$ and symmetry gives $b = 0$.",
        r"\boxed{x^2-1}",
    ), r"$\boxed{x^2+1}$", False),
    ("boxed_golds", _c(
        r"We have $\sin\theta = \frac{1}{2}$ with $0 < \theta < \frac{\pi}{2}$.",
        r"The only solution in that range is $30^\circ$.",
        r"\boxed{\frac{\pi}{6}}",
    ), r"$\boxed{\dfrac{\pi}{6}}$", True),

    # ------------------------------------------------------------------------------------------
    # radicals_trig
    # ------------------------------------------------------------------------------------------
    ("radicals_trig", _c(
        r"We have $\sin 120^\circ = \sin(180^\circ - 60^\circ) = \sin 60^\circ$.",
        r"Also $\cos 120^\circ = -\frac{1}{2}$, which we do not need.",
        r"\boxed{\sqrt{3}/2}",
    ), r"\frac{\sqrt{3}}{2}", True),
    ("radicals_trig", _c(
        r"The regular hexagon of side $1$ splits into $6$ equilateral triangles of side $1$.",
        r"The distance from the centre to a side is the altitude of one of them, half of $\sqrt{3}$.",
        r"\boxed{\frac{1}{2}\sqrt{3}}",
    ), r"\frac{\sqrt{3}}{2}", True),
    ("radicals_trig", _c(
        r"We need $\cos 30^\circ$. Drawing the 30-60-90 triangle with hypotenuse $2$ gives sides $1$ and $\sqrt3$.",
        r"So the adjacent over the hypotenuse is... I'll use $\tan 30^\circ = \frac{1}{\sqrt3}$.",
        r"The final answer is $\frac{\sqrt3}{3}$",
    ), r"\frac{\sqrt3}{2}", False),
    ("radicals_trig", _c(
        r"Numerically evaluating $\cos\frac{\pi}{6}$ with high precision:",
        r"$\cos(0.5235987756) \approx 0.86602540378$.",
        r"\boxed{0.8660254}",
    ), r"\frac{\sqrt{3}}{2}", True),
    ("radicals_trig", _c(
        r"The height of the equilateral triangle with side $1$ is $\sqrt{1 - 0.25} = \sqrt{0.75}$.",
        r"Rounding to three decimal places:",
        r"\boxed{0.866}",
    ), r"\frac{\sqrt{3}}{2}", False),
    ("radicals_trig", _c(
        r"The positive root of $x^2 - 2x - 1 = 0$ is $x = \frac{2 + \sqrt{8}}{2}$.",
        r"Since $\sqrt{8} = 2\sqrt{2}$, this simplifies.",
        r"\boxed{\sqrt{2}+1}",
    ), r"1+\sqrt{2}", True),
    ("radicals_trig", _c(
        r"The roots of $x^2 - 2x - 1 = 0$ are $1 \pm \sqrt{2}$.",
        r"We need the one in $(0, 1)$... taking $\sqrt{2} - 1 \approx 0.414$.",
        r"\boxed{\sqrt{2}-1}",
    ), r"1+\sqrt{2}", False),
    ("radicals_trig", _c(
        r"In the isosceles right triangle with hypotenuse $1$, each leg is $\frac{1}{\sqrt{2}}$,",
        r"since $2\ell^2 = 1$.",
        r"\boxed{\frac{1}{\sqrt{2}}}",
    ), r"\frac{\sqrt{2}}{2}", True),
    ("radicals_trig", _c(
        r"The distance between $(1, 2)$ and $(3, 2+2\sqrt{5})$ is $\sqrt{2^2 + (2\sqrt5)^2}$.",
        r"That is $\sqrt{4 + 20}$.",
        r"\boxed{\sqrt{24}}",
    ), r"2\sqrt{6}", True),
    ("radicals_trig", _c(
        r"The space diagonal of the box $2 \times 4 \times 2$ is $\sqrt{4 + 16 + 4} = \sqrt{24}$.",
        r"Simplifying $\sqrt{24} = \sqrt{4 \cdot 18}$...",
        r"\boxed{6\sqrt{2}}",
    ), r"2\sqrt{6}", False),
    # debatable: the gold is in radians, the answer in degrees; the same angle, so accepted.
    ("radicals_trig", _c(
        r"Using the law of cosines, $\cos C = \frac{a^2 + b^2 - c^2}{2ab} = \frac{25 + 64 - 49}{80}$.",
        r"So $\cos C = \frac{40}{80} = \frac12$.",
        r"\boxed{60^\circ}",
    ), r"\frac{\pi}{3}", True),
    ("radicals_trig", _c(
        r"Using the law of cosines, $\cos C = \frac{a^2 + b^2 - c^2}{2ab} = \frac{40}{80}$, up to sign.",
        r"Since $c$ is the largest side, I take the obtuse angle with $\cos C = -\frac12$.",
        r"\boxed{\frac{2\pi}{3}}",
    ), r"\frac{\pi}{3}", False),
    ("radicals_trig", _c(
        r"Let $t = \tan\theta$ with $\theta = \frac{\pi}{8}$, so that $\tan 2\theta = 1$.",
        r"Then $\frac{2t}{1-t^2} = 1$, i.e. the requested slope is exactly this tangent.",
        r"\boxed{\tan\frac{\pi}{8}}",
    ), r"\sqrt{2}-1", True),
    ("radicals_trig", _c(
        r"We need $\sin 15^\circ = \sin(45^\circ - 30^\circ)$.",
        r"Using the addition formula: $\sin 45^\circ\cos 30^\circ + \cos 45^\circ \sin 30^\circ$.",
        r"\boxed{\frac{\sqrt{6}+\sqrt{2}}{4}}",
    ), r"\frac{\sqrt{6}-\sqrt{2}}{4}", False),
    ("radicals_trig", _c(
        r"The hexagon of side $1$ splits into $6$ equilateral triangles of area $\frac{\sqrt3}{4}$ each,",
        r"and the shaded region consists of $3$ of them, i.e. $3 \cdot \frac{\sqrt3}{4}$... but counting twice:",
        r"\boxed{\frac{3\sqrt{3}}{2}}",
    ), r"\frac{3\sqrt{3}}{4}", False),

    # ------------------------------------------------------------------------------------------
    # closed_forms: Omni-MATH style expression golds
    # ------------------------------------------------------------------------------------------
    ("closed_forms", _c(
        r"Each pair $\{i, j\}$ with $1 \le i \le j \le n$ contributes once, and for fixed $j$ there are $j$ choices of $i$.",
        r"So the total is $\sum_{j=1}^{n} j = 1 + 2 + \cdots + n$.",
        r"\boxed{\frac{n(n+1)}{2}}",
    ), "n(n+1)/2", True),
    ("closed_forms", _c(
        r"Summing $k$ from $1$ to $n$: pairing $k$ with $n+1-k$ gives $n$ pairs each summing to $n+1$, counted twice.",
        r"Expanding the product,",
        r"\boxed{\frac{n^2+n}{2}}",
    ), r"\frac{n(n+1)}{2}", True),
    ("closed_forms", _c(
        r"The number of handshakes among $n+1$ people where each pair shakes once: pick $2$ of them.",
        r"Hmm, there are only $n$ people actually, so $\binom{n}{2}$.",
        r"\boxed{\frac{n(n-1)}{2}}",
    ), r"\frac{n(n+1)}{2}", False),
    ("closed_forms", _c(
        r"Let $T_n$ be the minimal number of moves. Then $T_1 = 1$ and $T_n = 2T_{n-1} + 1$.",
        r"So $T_n + 1 = 2(T_{n-1} + 1)$, giving $T_n + 1 = 2^n$.",
        r"\boxed{2^n-1}",
    ), r"2^{n}-1", True),
    ("closed_forms", _c(
        r"With $T_1 = 1$ and $T_n = 2T_{n-1} + 1$, we get $T_2 = 3$, $T_3 = 7$.",
        r"Guessing $T_n = 2^n + c$ and fitting... gives $c = 1$.",
        r"\boxed{2^n+1}",
    ), r"2^{n}-1", False),
    ("closed_forms", _c(
        r"A lattice path from $(0,0)$ to $(n,n)$ uses $n$ right steps and $n$ up steps, $2n$ in total.",
        r"Choosing the positions of the right steps determines the path.",
        r"\boxed{\frac{(2n)!}{(n!)^2}}",
    ), r"\binom{2n}{n}", True),
    ("closed_forms", _c(
        r"A lattice path from $(0,0)$ to $(n,n)$ has $2n$ steps, $\binom{2n}{n}$ in total.",
        r"By the reflection principle, the paths that never cross the diagonal are a fraction $\frac{1}{n+1}$ of them.",
        r"\boxed{\frac{1}{n+1}\binom{2n}{n}}",
    ), r"\binom{2n}{n}", False),
    ("closed_forms", _c(
        r"Seating $n$ people around a round table: $n!$ linear orders.",
        r"Each circular arrangement is counted once per rotation... I will not divide since the seats are labelled.",
        r"\boxed{n!}",
    ), r"(n-1)!", False),
    ("closed_forms", _c(
        r"Seating $n$ people around a round table gives $n!$ linear orders,",
        r"and each circular arrangement corresponds to $n$ rotations.",
        r"\boxed{\frac{n!}{n}}",
    ), r"(n-1)!", True),
    ("closed_forms", _c(
        r"We need $\sum_{k=1}^{n} k^2$. Using $(k+1)^3 - k^3 = 3k^2 + 3k + 1$ and telescoping,",
        r"$(n+1)^3 - 1 = 3S + \frac{3n(n+1)}{2} + n$.",
        r"\boxed{\frac{2n^3+3n^2+n}{6}}",
    ), r"\frac{n(n+1)(2n+1)}{6}", True),
    ("closed_forms", _c(
        r"A subset of $\{1, \dots, n\}$ containing $1$: choose freely among the other elements.",
        r"Each of the $n$ elements is either in or out,",
        r"\boxed{2^{n}}",
    ), r"2^{n-1}", False),
    ("closed_forms", _c(
        r"Half of all $2^n$ subsets of an $n$-element set have even size (for $n \ge 1$),",
        r"by pairing $S$ with $S \triangle \{1\}$.",
        r"\boxed{\frac{2^n}{2}}",
    ), r"2^{n-1}", True),
    ("closed_forms", _c(
        r"Count functions $[n] \to \{1,2,3\}$ whose image contains $3$: all $3^n$ minus those avoiding $3$.",
        r"Those avoiding $3$ map into $\{1, 2\}$, giving $2^n$.",
        r"\boxed{3^n-2^{n}}",
    ), "3^n - 2^n", True),
    ("closed_forms", _c(
        r"Tilings of a $1 \times n$ strip by $1\times1$ and $1\times2$ tiles satisfy $a_n = a_{n-1} + a_{n-2}$,",
        r"with $a_1 = 1$, $a_2 = 2$, so $a_n$ is a shifted Fibonacci number, $a_1 = F_2$.",
        r"\boxed{F_{n+1}}",
    ), r"F_{n+2}", False),
    ("closed_forms", _c(
        r"A maximal set with no two consecutive... pairs $(1,2), (3,4), \dots$ each contribute one element.",
        r"There are $n/2$ such pairs when $n$ is even and $(n-1)/2$ when $n$ is odd.",
        r"\boxed{\left\lfloor \frac{n}{2} \right\rfloor}",
    ), r"\lfloor n/2 \rfloor", True),

    # ------------------------------------------------------------------------------------------
    # logs_exponentials
    # ------------------------------------------------------------------------------------------
    ("logs_exponentials", _c(
        r"From $2^x = 3$ take natural logarithms: $x \ln 2 = \ln 3$.",
        r"Therefore",
        r"\boxed{\frac{\ln 3}{\ln 2}}",
    ), r"\log_2 3", True),
    ("logs_exponentials", _c(
        r"From $2^x = 3$ take logarithms base $3$: $x \log_3 2 = 1$.",
        r"So $x$ equals the logarithm of $2$ base $3$.",
        r"\boxed{\log_3 2}",
    ), r"\log_2 3", False),
    ("logs_exponentials", _c(
        r"Solving $2^x = 3$ numerically with Newton's method starting from $x_0 = 1.5$:",
        r"$x_1 = 1.58496$, $x_2 = 1.5849625007$.",
        r"\boxed{1.5849625007}",
    ), r"\log_2 3", True),
    ("logs_exponentials", _c(
        r"Solving $2^x = 3$: $x = \frac{\log 3}{\log 2} \approx \frac{0.4771}{0.3010}$.",
        r"To three decimal places,",
        r"\boxed{1.585}",
    ), r"\log_2 3", False),
    ("logs_exponentials", _c(
        r"Let $y = e^{x}$. The condition $\ln y = \pi$ gives $y = e^{\pi}$; compare with $\pi^{e}$, which is smaller.",
        r"So the larger of the two is",
        r"\boxed{e^\pi}",
    ), r"e^{\pi}", True),
    ("logs_exponentials", _c(
        r"Consider $f(x) = \frac{\ln x}{x}$, which is maximised at $x = e$.",
        r"So $\frac{\ln \pi}{\pi} < \frac{\ln e}{e}$, and I conclude the requested value is",
        r"\boxed{\pi^e}",
    ), r"e^{\pi}", False),
    ("logs_exponentials", _c(
        r"We need $\int_1^2 \frac{dx}{x} = \ln 2 - \ln 1$.",
        r"Equivalently, $-\ln\frac12$:",
        r"\boxed{-\ln\frac{1}{2}}",
    ), r"\ln 2", True),
    ("logs_exponentials", _c(
        r"We need $\int_1^2 \frac{2\,dx}{x}$... the factor $2$ belongs to the integrand,",
        r"so the value is $2\ln 2$.",
        r"\boxed{\ln 4}",
    ), r"\ln 2", False),
    ("logs_exponentials", _c(
        r"The number of subsets of a $10$-element set is $2^{10}$.",
        r"Evaluating, $2^5 = 32$ and $32^2$ is",
        r"\boxed{1024}",
    ), "2^{10}", True),
    ("logs_exponentials", _c(
        r"The limit $\lim_{n\to\infty}\left(1 + \frac{2}{n}\right)^n$ has the form $1^\infty$.",
        r"Taking logs, $n \ln(1 + 2/n) \to -2$... so the limit is",
        r"\boxed{e^{-2}}",
    ), "e^{2}", False),
    ("logs_exponentials", _c(
        r"The limit $\lim_{n\to\infty}\left(1 - \frac{1}{n}\right)^n$: taking logs, $n\ln(1 - 1/n) \to -1$.",
        r"Exponentiating,",
        r"\boxed{e^{-1}}",
    ), r"\frac{1}{e}", True),
    ("logs_exponentials", _c(
        r"From $3^x = 10$ we get $x = \log_3 10$; by change of base $\log_3 10 = \frac{\log_{10} 10}{\log_{10} 3}$.",
        r"Since $\log_{10} 10 = 1$,",
        r"\boxed{\frac{1}{\log_{10} 3}}",
    ), r"\log_{3} 10", True),
    ("logs_exponentials", _c(
        r"We have $\log_2 125 = \log_2 5^3$.",
        r"By the power rule this is",
        r"\boxed{3\log_2 5}",
    ), r"\log_2 125", True),
    ("logs_exponentials", _c(
        r"We have $125 = 5^3$, so we need $\log_2 5^3$.",
        r"Applying the power rule (and mixing up base and exponent) gives",
        r"\boxed{5\log_2 3}",
    ), r"\log_2 125", False),
    ("logs_exponentials", _c(
        r"The solution of $y' = \frac{y}{2}$ with $y(0) = 1$ is $y = e^{x/2}$.",
        r"At $x = 1$ this gives",
        r"\boxed{e^{1/2}}",
    ), r"\sqrt{e}", True),

    # ------------------------------------------------------------------------------------------
    # intervals
    # ------------------------------------------------------------------------------------------
    ("intervals", _c(
        r"We need $0 \le x$ for the square root and $x < 1$ for the logarithm $\ln(1-x)$.",
        r"At $x = 0$ everything is defined; at $x = 1$ the logarithm is not.",
        r"\boxed{[0, 1)}",
    ), "[0,1)", True),
    ("intervals", _c(
        r"We need $x \ge 0$ for $\sqrt{x}$ and $1 - x \ge 0$ for the logarithm of $1 - x$.",
        r"So the domain is $0 \le x \le 1$.",
        r"\boxed{[0,1]}",
    ), "[0,1)", False),
    ("intervals", _c(
        r"For $\sqrt{x}$ we need $x > 0$, and for $\ln(1-x)$ we need $x < 1$.",
        r"Combining,",
        r"\boxed{(0,1)}",
    ), "[0,1)", False),
    ("intervals", _c(
        r"The inequality $2^x < 2$ is equivalent to $x < 1$ because $2^x$ is increasing.",
        r"In interval notation:",
        r"\boxed{(-\infty, 1)}",
    ), r"$x \in (-\infty, 1)$", True),
    # debatable: an inequality describing exactly the gold interval; accepted as the same set.
    ("intervals", _c(
        r"The inequality $3 - 3x > 0$ gives $3x < 3$.",
        r"Dividing by $3$:",
        r"\boxed{x<1}",
    ), r"$x \in (-\infty, 1)$", True),
    ("intervals", _c(
        r"The inequality $3 - 3x \ge 0$ gives $3x \le 3$.",
        r"Dividing by $3$:",
        r"\boxed{x \le 1}",
    ), r"$x \in (-\infty, 1)$", False),
    ("intervals", _c(
        r"The inequality $x^2 - x - 6 > 0$ factors as $(x-3)(x+2) > 0$.",
        r"The product is positive outside the roots $-2$ and $3$.",
        r"\boxed{(3,\infty)\cup(-\infty,-2)}",
    ), r"(-\infty,-2)\cup(3,\infty)", True),
    ("intervals", _c(
        r"The inequality $x^2 - x - 6 > 0$ factors as $(x-3)(x+2) > 0$.",
        r"The sign chart has roots $-2$ and $3$; the product is positive between them.",
        r"\boxed{(-2,3)}",
    ), r"(-\infty,-2)\cup(3,\infty)", False),
    ("intervals", _c(
        r"The inequality $x^2 - x - 6 > 0$ factors as $(x-3)(x+2) > 0$.",
        r"Including the roots $x = -2$ and $x = 3$,",
        r"\boxed{(-\infty,-2]\cup[3,\infty)}",
    ), r"(-\infty,-2)\cup(3,\infty)", False),
    ("intervals", _c(
        r"The inequality $|x - 1| \le 2$ means $-2 \le x - 1 \le 2$.",
        r"Adding $1$ throughout:",
        r"\boxed{-1 \le x \le 3}",
    ), r"[-1, 3]", True),
    ("intervals", _c(
        r"We need the range of $2^{x}$ for $x \in [-1, 1]$.",
        r"Since $2^x$ is increasing, the range runs from $2^{-1}$ to $2^{1}$.",
        r"\boxed{[0.5, 2]}",
    ), r"\left[ \frac{1}{2}, 2 \right]", True),
    ("intervals", _c(
        r"For $\log_a x$ to be increasing we need the base $a > 1$.",
        r"There is no upper bound on $a$.",
        r"\boxed{(1,\infty)}",
    ), r"(1, +\infty)", True),
    ("intervals", _c(
        r"For $\log_a x$ to be increasing we need $a \ge 1$.",
        r"There is no upper bound on $a$.",
        r"\boxed{[1,+\infty)}",
    ), r"(1, +\infty)", False),
    ("intervals", _c(
        r"The quadratic $x^2 - 2ax + a + 6 = 0$ must have two distinct roots in the required region.",
        r"The discriminant condition gives $a^2 - a - 6 > 0$, and the vertex condition gives $a \ge 2$, with $a < 5$ from $f(\cdot) > 0$.",
        r"The range of $a$ is $[2,5)$.",
    ), r"[2, 5)", True),
    ("intervals", _c(
        r"The inequality $x^2 < 9$ holds exactly when $-3 < x < 3$.",
        r"Equivalently,",
        r"\boxed{|x|<3}",
    ), r"(-3, 3)", True),

    # ------------------------------------------------------------------------------------------
    # sets_of_solutions: all solutions and nothing else, in any order
    # ------------------------------------------------------------------------------------------
    ("sets_of_solutions", _c(
        r"The equation $x^2 - x - 2 = 0$ has discriminant $1 + 8 = 9$.",
        r"So $x = \frac{1 \pm 3}{2}$.",
        r"So the solutions are $x=-1$ and $x=2$.",
    ), r"$\{ -1, 2 \}$", True),
    ("sets_of_solutions", _c(
        r"Factor $x^2 - x - 2 = (x-2)(x+1)$.",
        r"Setting each factor to zero:",
        r"So the solutions are $x=2$ and $x=-1$.",
    ), r"\{-1, 2\}", True),
    ("sets_of_solutions", _c(
        r"Factor $x^2 - x - 2 = (x-2)(x+1)$.",
        r"I'll discard $x = -1$ since negative roots looked extraneous in the previous part.",
        r"\boxed{2}",
    ), r"\{-1, 2\}", False),
    ("sets_of_solutions", _c(
        r"Let $y = \sqrt{x}$. Then $y^2 - 3y + 2 = 0$ gives $y = 1$ or $y = 2$, i.e. $x = 1$ or $x = 4$.",
        r"Also, squaring the original equation introduces $x = 9$, which I keep since it satisfies $y^2 = 9$.",
        r"\boxed{\{1, 4, 9\}}",
    ), r"\{1, 4\}", False),
    ("sets_of_solutions", _c(
        r"The prime factorization of $15$ is $3 \cdot 5$.",
        r"Both $p = 3$ and $p = 5$ satisfy $p \mid 15$ and $p^2 \nmid 15$.",
        r"\boxed{3, 5}",
    ), r"3 \text{ and } 5", True),
    ("sets_of_solutions", _c(
        r"The primes dividing $15$ are the candidates, $3$ and $5$.",
        r"For $p = 3$ I (wrongly) find $p^2 \mid 15$, so only $p = 5$ remains.",
        r"\boxed{5}",
    ), r"3 \text{ and } 5", False),
    ("sets_of_solutions", _c(
        r"From $x^4 = 1$ over the reals, $x^2 = 1$ (since $x^2 = -1$ has no real solution).",
        r"Hence",
        r"\boxed{x = 1 \text{ or } x = -1}",
    ), r"\pm 1", True),
    ("sets_of_solutions", _c(
        r"From $x^4 = 1$ we get $(x^2-1)(x^2+1) = 0$.",
        r"Taking the positive square root,",
        r"\boxed{1}",
    ), r"\pm 1", False),
    ("sets_of_solutions", _c(
        r"Primes $p$ with $p \mid 210$: $210 = 2 \cdot 3 \cdot 5 \cdot 7$.",
        r"Each of them satisfies the condition, and no other prime divides $210$.",
        r"Therefore the answer is $p \in \{7, 5, 3, 2\}$.",
    ), r"\{2, 3, 5, 7\}", True),
    ("sets_of_solutions", _c(
        r"Primes $p$ with $p \mid 210$ and $p < 7$: we need $p \in \{2, 3, 5\}$.",
        r"I'll assume the strict inequality in the statement,",
        r"\boxed{\{2,3,5\}}",
    ), r"\{2, 3, 5, 7\}", False),
    ("sets_of_solutions", _c(
        r"The equation $2x^2 - 7x + 3 = 0$ factors as $(2x - 1)(x - 3) = 0$.",
        r"Both roots satisfy the domain condition $x > 0$.",
        r"\boxed{x = 3, \ x = \frac12}",
    ), r"x=\frac{1}{2} \text{ or } x=3", True),
    ("sets_of_solutions", _c(
        r"The equation $x^2 + 1 = 0$ has discriminant $-4 < 0$.",
        r"So there are no real solutions.",
        r"\boxed{\emptyset}",
    ), r"\varnothing", True),
    ("sets_of_solutions", _c(
        r"The equation $x^2 + 1 = 0$ has discriminant $-4 < 0$, so the number of real roots is",
        r"zero; the solution set is therefore",
        r"\boxed{0}",
    ), r"\emptyset", False),
    ("sets_of_solutions", _c(
        r"Let $t = x^2$. Then $t^2 - 5t + 4 = 0$, so $t = 1$ or $t = 4$.",
        r"Each gives two values of $x$.",
        r"\boxed{\pm 1, \pm 2}",
    ), r"\{-2, -1, 1, 2\}", True),
    ("sets_of_solutions", _c(
        r"Let $t = x^2$. Then $t^2 - 5t + 4 = 0$, so $t = 1$ or $t = 4$.",
        r"So $x = \sqrt{1}$ or $x = \sqrt{4}$.",
        r"\boxed{\{1, 2\}}",
    ), r"\{-2, -1, 1, 2\}", False),

    # ------------------------------------------------------------------------------------------
    # tuples_points: order inside a tuple matters
    # ------------------------------------------------------------------------------------------
    ("tuples_points", _c(
        r"Subtracting the equations $3x + y = 5$ and $x + y = 3$ gives $2x = 2$, so $x = 1$.",
        r"Then $y = 3 - x = 2$.",
        r"**Final Answer**",
        r"\[ \boxed{(1,2)} \]",
    ), "(1,2)", True),
    ("tuples_points", _c(
        r"Subtracting $x + y = 3$ from $3x + y = 5$ gives $2x = 2$.",
        r"So one coordinate is $1$ and the other is $2$.",
        r"**Final Answer**",
        r"\[ \boxed{(2,1)} \]",
    ), "(1,2)", False),
    # debatable: the pair (2,3) is read as (a,b) in the order the problem names the unknowns.
    ("tuples_points", _c(
        r"We are given $a + b = 5$ and $ab = 6$ with $a < b$.",
        r"So $a$ and $b$ are the roots of $t^2 - 5t + 6 = (t-2)(t-3)$, and $a < b$ fixes the order.",
        r"$(a, b) = \boxed{(2,3)}$",
    ), r"$a=2, b=3$", True),
    ("tuples_points", _c(
        r"From $a + b = 5$ and $ab = 6$ with $a < b$, the numbers are the roots of $t^2 - 5t + 6 = 0$.",
        r"Those are $t = 2$ and $t = 3$.",
        r"\boxed{b=3, a=2}",
    ), r"$a=2, b=3$", True),
    ("tuples_points", _c(
        r"From $a + b = 5$ and $ab = 6$ the numbers are $2$ and $3$.",
        r"Taking the larger one as $a$,",
        r"\boxed{a=3, b=2}",
    ), r"$a=2, b=3$", False),
    ("tuples_points", _c(
        r"The intersection of $y = -\frac{1}{2}$ with $x = 3$ is immediate.",
        r"Check in the third equation $x + 2y = 2$: $3 - 1 = 2$.",
        r"\boxed{(3, -0.5)}",
    ), r"(3, -\frac{1}{2})", True),
    ("tuples_points", _c(
        r"The intersection point has $x = 3$, and from $x - 2y = 2$ we get $2y = 1$.",
        r"So $y = \frac{1}{2}$.",
        r"\boxed{(3, \frac{1}{2})}",
    ), r"(3, -\frac{1}{2})", False),
    ("tuples_points", _c(
        r"From $x = y$ and $x + y + z = 5$, $xyz = 4$ we try $x = y = 2$, giving $z = 1$.",
        r"Listing the triple as $(x, z, y)$ by mistake,",
        r"\boxed{(2,1,2)}",
    ), r"(2, 2, 1)", False),
    ("tuples_points", _c(
        r"The system $x + y = 3$, $xy = 2$ is symmetric, so solutions come in swapped pairs.",
        r"$t^2 - 3t + 2 = 0$ gives $t \in \{1, 2\}$.",
        r"\boxed{(2,1),(1,2)}",
    ), r"(1,2),(2,1)", True),
    ("tuples_points", _c(
        r"The system $x + y = 3$, $xy = 2$ gives $t^2 - 3t + 2 = 0$, so $t \in \{1, 2\}$.",
        r"Assuming $x < y$ (not stated in the problem),",
        r"\boxed{(1,2)}",
    ), r"(1,2),(2,1)", False),
    ("tuples_points", _c(
        r"The point on the unit circle at angle $60^\circ$ has coordinates $(\cos 60^\circ, \sin 60^\circ)$.",
        r"That is",
        r"\boxed{(\tfrac12, \tfrac{\sqrt3}{2})}",
    ), r"\left(\frac{1}{2}, \frac{\sqrt{3}}{2}\right)", True),
    ("tuples_points", _c(
        r"Completing the square: $y = -x^2 - 2x + 3 = -(x + 1)^2 + 4$.",
        r"The $y$-intercept is $3$ and the roots are $x = 1$ and $x = -3$.",
        r"The vertex is at $(-1, 4)$.",
    ), r"(-1, 4)", True),
    ("tuples_points", _c(
        r"Completing the square: $y = -x^2 - 2x + 3 = -(x - 1)^2 + 4$.",
        r"The roots are $x = 1$ and $x = -3$.",
        r"The vertex is at $(1, 4)$.",
    ), r"(-1, 4)", False),
    # debatable: a triple for (x, y, z) against a gold that names each variable.
    ("tuples_points", _c(
        r"From the three equations, $x - y = 2$, $y + z = 1$, $x + z = 3$.",
        r"Adding all three: $2x = 2 + 1 + 3 - 2(y + z) + \dots$; solving directly gives $x = 1$, $y = -1$, $z = 2$.",
        r"\boxed{(1,-1,2)}",
    ), r"x=1, y=-1, z=2", True),
    # debatable: the gold pair (2,3) is read as (x,y), the usual order for a point.
    ("tuples_points", _c(
        r"The lines $y = x + 1$ and $y = -x + 5$ meet where $x + 1 = -x + 5$.",
        r"So $2x = 4$, and then $y = 3$.",
        r"\boxed{x=2, y=3}",
    ), "(2, 3)", True),

    # ------------------------------------------------------------------------------------------
    # equations_functions
    # ------------------------------------------------------------------------------------------
    ("equations_functions", _c(
        r"Setting $y = 0$ gives $f(x^2) = f(x)^2$... and $x = y$ gives $f(0) = 0$.",
        r"Checking the candidate $f(x) = x^2$: $(x+y)^2 \cdot (x - y)^2 = (x^2 - y^2)^2$, true.",
        r"Any other solution would violate continuity at $0$.",
        r"Hence $f(x)=x^2$ for all real $x$.",
    ), r"$f(x) = x^2$", True),
    ("equations_functions", _c(
        r"Setting $y = 0$ gives $f(0) = 0$; setting $y = x$ gives $f(2x) = 2f(x)$.",
        r"So $f$ is linear, $f(x) = cx$, and $c = 2$ from $f(1) = 2$.",
        r"Hence $f(x) = 2x$ for all real $x$.",
    ), r"$f(x) = x^2$", False),
    ("equations_functions", _c(
        r"Plugging in $x = 0$ gives $f(f(y)) = y$, so $f$ is an involution.",
        r"Both $f(x) = x$ and $f(x) = -x$ are involutions; I did not check them in the original equation.",
        r"\boxed{f(x)=x \text{ and } f(x) = -x}",
    ), r"f(x)=x", False),
    ("equations_functions", _c(
        r"Putting $x = y = 0$ gives $f(0) = 0$ or $f(0) = 1$... actually $f(0)^2 = f(0)$.",
        r"If $f \not\equiv 0$, then $f(1) = 1$ and induction gives $f(n) = n$, extended by continuity.",
        r"The solutions are $f \equiv 0$ and $f(x) = x$.",
    ), r"f(x) = 0 \text{ and } f(x) = x", True),
    ("equations_functions", _c(
        r"The line through $(0, 1)$ with slope $2$: $y - 1 = 2(x - 0)$.",
        r"Rearranging,",
        r"\boxed{y=1+2x}",
    ), r"y = 2x + 1", True),
    ("equations_functions", _c(
        r"The line through $(1, 3)$ with slope $2$: $y - 3 = 2(x - 1)$.",
        r"Expanding, $y = 2x - 2 + 3$... I get",
        r"\boxed{y = 2x - 1}",
    ), r"y = 2x + 1", False),
    ("equations_functions", _c(
        r"The circle is centred at the origin and passes through $(\sqrt{2}, \sqrt{2})$.",
        r"Its radius is $\sqrt{2 + 2}$, so $r = 2$ and the equation is $x^2 + y^2 = r$... ",
        r"\boxed{x^2+y^2=2}",
    ), r"x^2 + y^2 = 4", False),
    ("equations_functions", _c(
        r"The circle is centred at the origin and passes through $(\sqrt{2}, \sqrt{2})$.",
        r"Its radius squared is $2 + 2$.",
        r"\boxed{y^2 + x^2 = 4}",
    ), r"x^2 + y^2 = 4", True),
    ("equations_functions", _c(
        r"The ellipse has $a = 2$ and $c = 1$, so $b^2 = a^2 - c^2 = 3$.",
        r"So $\frac{x^2}{4} + \frac{y^2}{3} = 1$; clearing denominators,",
        r"\boxed{3x^2+4y^2=12}",
    ), r"\frac{x^2}{4}+\frac{y^2}{3}=1", True),
    ("equations_functions", _c(
        r"The ellipse has foci on the $x$-axis, with $a = 2$ and $c = 1$, so $b^2 = 3$.",
        r"Putting $a^2$ under $y^2$:",
        r"\boxed{\frac{x^2}{3}+\frac{y^2}{4}=1}",
    ), r"\frac{x^2}{4}+\frac{y^2}{3}=1", False),
    # debatable: the gold defines f; an expression for f(x) alone is the same function.
    ("equations_functions", _c(
        r"Let $f(x) = ax + b$. Then $f(f(x)) = a^2 x + ab + b = 4x + 9$.",
        r"So $a = 2$ (taking $a > 0$) and $3b = 9$, $b = 3$.",
        r"\boxed{2x+3}",
    ), r"f(x)=2x+3", True),
    ("equations_functions", _c(
        r"The recurrence $a_{n+1} = 3a_n + 2$ with $a_1 = 2$ gives $a_{n+1} + 1 = 3(a_n + 1)$.",
        r"So $a_n + 1 = 3^{n-1}(a_1 + 1) = 3^n$.",
        r"\boxed{a_n = 3^{n}-1}",
    ), r"a_n = 3^n - 1", True),
    ("equations_functions", _c(
        r"The recurrence $a_{n+1} = 3a_n + 2$ with $a_1 = 2$: $a_2 = 8$, $a_3 = 26$.",
        r"It is geometric with ratio $3$,",
        r"\boxed{a_n = 3^{n-1}}",
    ), r"a_n = 3^n - 1", False),
    ("equations_functions", _c(
        r"From $x f(x) = 1$ for all $x \neq 0$, solve for $f$.",
        r"We get",
        r"\boxed{f(x)=x^{-1}}",
    ), r"f(x) = \frac{1}{x}", True),
    ("equations_functions", _c(
        r"The tangent to $y = \ln x$ at $(1, 0)$ has slope $\frac{1}{1} = 1$.",
        r"So $y - 0 = 1 \cdot (x - 1)$; in general form,",
        r"\boxed{x - y - 1 = 0}",
    ), "y = x - 1", True),

    # ------------------------------------------------------------------------------------------
    # multiple_choice: AMC-style golds
    # ------------------------------------------------------------------------------------------
    ("multiple_choice", _c(
        r"The options are $\textbf{(A)}\ 10 \quad \textbf{(B)}\ 12 \quad \textbf{(C)}\ 14 \quad \textbf{(D)}\ 16$.",
        r"The area is $\frac{1}{2}\cdot 6 \cdot 4 = 12$.",
        r"Answer: (B)",
    ), r"$\textbf{(B)}\ 12$", True),
    ("multiple_choice", _c(
        r"The options are $\textbf{(A)}\ 10 \quad \textbf{(B)}\ 12 \quad \textbf{(C)}\ 14 \quad \textbf{(D)}\ 16$.",
        r"The area is $\frac{1}{2}\cdot 7 \cdot 4 = 14$.",
        r"Answer: (C)",
    ), r"$\textbf{(B)}\ 12$", False),
    ("multiple_choice", _c(
        r"Testing each choice: (A) gives $7$, which is too small; (B) gives $9$, which works;",
        r"(C), (D) and (E) all exceed $10$.",
        r"\boxed{B}",
    ), "B", True),
    ("multiple_choice", _c(
        r"Only the second option satisfies both conditions $n \equiv 1 \pmod 3$ and $n \equiv 2 \pmod 5$.",
        r"So the answer is",
        r"\boxed{\text{(B)}}",
    ), "B", True),
    ("multiple_choice", _c(
        r"Eliminating (A) because it is odd and (B) because $12 \not\equiv 2 \pmod 5$,",
        r"choice (C) remains.",
        r"\boxed{C}",
    ), "(B)", False),
    ("multiple_choice", _c(
        r"The perimeter is $2(2 + 4) = 12$, matching one of the choices.",
        r"$\textbf{(A)}\ 10 \qquad \textbf{(B)}\ 12 \qquad \textbf{(C)}\ 14$",
        r"The answer is $\textbf{(B)}\ 12$.",
    ), "(B)", True),
    # debatable: the value of the correct choice, without its letter; accepted since 12 is choice (B).
    ("multiple_choice", _c(
        r"Choices: $\textbf{(A)}\ 10 \quad \textbf{(B)}\ 12 \quad \textbf{(C)}\ 14 \quad \textbf{(D)}\ 16$.",
        r"An octahedron has $6$ vertices of degree $4$, so it has $\frac{6\cdot 4}{2} = 12$ edges.",
        r"\boxed{12}",
    ), r"$\textbf{(B)}\ 12$", True),
    ("multiple_choice", _c(
        r"Choices: $\textbf{(A)}\ 10 \quad \textbf{(B)}\ 12 \quad \textbf{(C)}\ 14 \quad \textbf{(D)}\ 16$.",
        r"The number of diagonals of a heptagon is $\frac{7 \cdot 4}{2} = 14$.",
        r"\boxed{14}",
    ), r"$\textbf{(B)}\ 12$", False),
    ("multiple_choice", _c(
        r"Both (A) and (D) seem to satisfy the first condition; the second condition is hard to check.",
        r"I cannot decide between them.",
        r"The answer is (A) or (D).",
    ), "D", False),
    ("multiple_choice", _c(
        r"The probability that the sum is even is $\frac{1}{2}$ by symmetry.",
        r"$\mathrm{(A)}\ \frac{1}{6} \quad \mathrm{(B)}\ \frac14 \quad \mathrm{(C)}\ \frac13 \quad \mathrm{(D)}\ \frac{5}{12} \quad \mathrm{(E)}\ \frac12$",
        r"\boxed{E}",
    ), r"$\mathrm{(E)}\ \frac{1}{2}$", True),
    ("multiple_choice", _c(
        r"The probability that the sum is a multiple of $3$ is $\frac{12}{36}$.",
        r"Which simplifies to",
        r"\boxed{\frac{1}{3}}",
    ), r"$\mathrm{(E)}\ \frac{1}{2}$", False),
    ("multiple_choice", _c(
        r"By Vieta, the sum of the roots is $5$ and the product is $6$, so the sum of squares is $25 - 12 = 13$.",
        r"That is option C.",
        r"Answer: C",
    ), "C", True),
    ("multiple_choice", _c(
        r"By Vieta, the sum of the roots is $5$ and the product is $6$; the sum of squares is $25 + 12 = 37$.",
        r"That matches option A.",
        r"\boxed{A}",
    ), "C", False),
    ("multiple_choice", _c(
        r"The smallest such $n$ is $4$, since $n = 1, 2, 3$ all fail the divisibility test.",
        r"$4$ is choice A.",
        r"**Final Answer**",
        r"\boxed{A}",
    ), "A", True),
    ("multiple_choice", _c(
        r"Choice (A) would give $n = 4$, but I made an error earlier, so I recheck: $n = 8$ works and $4$ does not.",
        r"$8$ is choice (E).",
        r"Answer: (E)",
    ), "(A)", False),

    # ------------------------------------------------------------------------------------------
    # several_boxes: several boxed answers
    # ------------------------------------------------------------------------------------------
    ("several_boxes", _c(
        r"The quadratic $x^2 + x - 2 = 0$ factors as $(x - 1)(x + 2) = 0$.",
        r"Both roots satisfy the original equation.",
        r"\boxed{1} \quad \boxed{-2}",
    ), r"x=1 \text{ or } x=-2", True),
    ("several_boxes", _c(
        r"From $x^2 + x - 2 = 0$ we get $x = \frac{-1 \pm 3}{2}$.",
        r"So the solutions are",
        r"\boxed{x=1}, \boxed{x=-2}",
    ), "1, -2", True),
    ("several_boxes", _c(
        r"From $x^2 + x - 2 = 0$ we get $x = \frac{1 \pm 3}{2}$.",
        r"So the solutions are",
        r"\boxed{2} and \boxed{-1}",
    ), "1, -2", False),
    ("several_boxes", _c(
        r"The candidates for $n$ are $5$ and $7$, coming from the two factorizations $35 = 5 \cdot 7$.",
        r"Only one of them satisfies the size condition, but I list both:",
        r"\boxed{5} \boxed{7}",
    ), "5", False),
    ("several_boxes", _c(
        r"The side length satisfies $s^2 = 25$ with $s > 0$.",
        r"Thus the answer is \boxed{5}.",
        r"**Final Answer**",
        r"\boxed{5}",
    ), "5", True),
    ("several_boxes", _c(
        r"The integer roots of $x^2 - 5x + 6 = 0$ are found by factoring $(x-2)(x-3)$.",
        r"Therefore:",
        r"\boxed{2} and \boxed{3}",
    ), r"\{2, 3\}", True),
    ("several_boxes", _c(
        r"The divisors of $6$ greater than $1$ are $2$, $3$, $6$; I check each against the condition.",
        r"All seem to work:",
        r"\boxed{2}, \boxed{3}, \boxed{6}",
    ), r"\{2, 3\}", False),
    ("several_boxes", _c(
        r"Case 1: the triangle is acute, giving a perimeter of $12$.",
        r"Case 2: the triangle is obtuse, giving a perimeter of $18$.",
        r"Case 1 gives \boxed{12}, case 2 gives \boxed{18}.",
    ), "12", False),
    ("several_boxes", _c(
        r"The equation $2x^2 - 7x + 3 = 0$ has discriminant $49 - 24 = 25$.",
        r"So $x = \frac{7 \pm 5}{4}$.",
        r"\boxed{x = \frac{1}{2}} \text{ and } \boxed{x = 3}",
    ), r"\{\frac{1}{2}, 3\}", True),
    ("several_boxes", _c(
        r"The equation $2x^2 + 5x - 3 = 0$ ... (copying the sign wrong) has discriminant $25 + 24 = 49$.",
        r"So $x = \frac{-5 \pm 7}{4}$.",
        r"\boxed{\frac{1}{2}} \text{ and } \boxed{-3}",
    ), r"\{\frac{1}{2}, 3\}", False),
    ("several_boxes", _c(
        r"Setting $x = 0$ shows $f(0) = 0$. If $f(1) = 0$ then $f \equiv 0$; otherwise $f(1) = 1$ and $f(x) = x^2$.",
        r"Both functions satisfy the equation.",
        r"\boxed{f(x)=0} \quad \text{and} \quad \boxed{f(x)=x^2}",
    ), r"f(x)=0 \text{ and } f(x)=x^2", True),
    ("several_boxes", _c(
        r"We get $f(x) = c x^2$ with $c^2 = 1$... (forgetting the case $c = 0$).",
        r"So $c = \pm 1$:",
        r"\boxed{f(x)=x^2} \quad \text{and} \quad \boxed{f(x)=-x^2}",
    ), r"f(x)=0 \text{ and } f(x)=x^2", False),
    ("several_boxes", _c(
        r"The system $x + y = 3$, $xy = 2$ is symmetric; $t^2 - 3t + 2 = 0$ gives $t = 1, 2$.",
        r"The ordered solutions are",
        r"\boxed{(1,2)} and \boxed{(2,1)}",
    ), "(1,2),(2,1)", True),
    ("several_boxes", _c(
        r"The integers $k$ for which the system has a solution are those with $k^2 \le 2k$, i.e. $0 \le k \le 2$.",
        r"That gives three values:",
        r"\boxed{0}, \boxed{1}, \boxed{2}",
    ), r"\{0, 1, 2\}", True),
    ("several_boxes", _c(
        r"The integers $k$ for which the system has a solution are those with $k^2 < 2k$... or $k = 0$,",
        r"treating the inequality as strict at the upper end.",
        r"\boxed{0}, \boxed{1}",
    ), r"\{0, 1, 2\}", False),

    # ------------------------------------------------------------------------------------------
    # unboxed_final: no box; the final sentence or closing display carries the answer
    # ------------------------------------------------------------------------------------------
    ("unboxed_final", _c(
        r"Summing $1 + 2 + \cdots + n$ by writing the sum forwards and backwards gives $2S = n(n+1)$.",
        r"For example with $n = 4$: $2S = 20$, so $S = 10$.",
        r"Therefore, in general,",
        r"$$\frac{n(n+1)}{2}$$",
    ), r"\frac{n(n+1)}{2}", True),
    ("unboxed_final", _c(
        r"Counting pairs $i < j$ from $\{1, \dots, n\}$: for each $j$ there are $j - 1$ choices of $i$.",
        r"So the sum is $0 + 1 + \cdots + (n-1)$.",
        r"Therefore,",
        r"$$\frac{n(n-1)}{2}$$",
    ), r"\frac{n(n+1)}{2}", False),
    ("unboxed_final", _c(
        r"We have $f(x) = -x^2 + 4x = 4 - (x - 2)^2$.",
        r"At $x = 2$ the square vanishes, and $f(0) = f(4) = 0$.",
        r"The maximum value is $4$.",
    ), "4", True),
    ("unboxed_final", _c(
        r"We have $f(x) = -x^2 + 4x = 4 - (x - 2)^2$.",
        r"The square vanishes at $x = 2$, so the maximum is attained there.",
        r"The maximum value is $2$.",
    ), "4", False),
    ("unboxed_final", _c(
        r"We need $\cos\frac{\pi}{6}$. From the 30-60-90 triangle with sides $1, \sqrt3, 2$,",
        r"the adjacent side to the $30^\circ$ angle is $\sqrt3$ and the hypotenuse is $2$.",
        r"The final answer is $\frac{\sqrt3}{2}$",
    ), r"\frac{\sqrt3}{2}", True),
    ("unboxed_final", _c(
        r"The area of the triangle with sides $1$, $1$ and angle $60^\circ$ is $\frac12 \cdot 1 \cdot 1 \cdot \sin 60^\circ$.",
        r"With $\sin 60^\circ = \frac{\sqrt3}{2}$ we get",
        r"The final answer is $\frac{\sqrt3}{4}$",
    ), r"\frac{\sqrt3}{2}", False),
    ("unboxed_final", _c(
        r"We count the multiples of $3$ in $[1, 51]$: they are $3, 6, \dots, 51$.",
        r"The count is $\frac{51 - 3}{3} + 1 = 17$, which also equals $\lfloor 51/3 \rfloor$.",
        r"Therefore, there are 17 such integers.",
    ), "17", True),
    ("unboxed_final", _c(
        r"We count the multiples of $3$ in $[1, 51]$: $\lfloor 51/3 \rfloor = 17$ at first,",
        r"but I exclude $51$ because I read the bound as strict.",
        r"Therefore, there are 16 such integers.",
    ), "17", False),
    ("unboxed_final", _c(
        r"The region $x^2 + y^2 \le 2x$ is the disc $(x-1)^2 + y^2 \le 1$, of radius $1$.",
        r"Its area is $\pi \cdot 1^2$.",
        r"Thus the area of the region is $\pi$ square units.",
    ), r"\pi", True),
    ("unboxed_final", _c(
        r"There are $\binom{6}{2} = 15$ pairs of faces; $5$ of them are favourable.",
        r"The ratio is $\frac{5}{15}$.",
        r"The probability is therefore \(\frac{1}{3}\).",
    ), r"\frac{1}{3}", True),
    ("unboxed_final", _c(
        r"There are $\binom{6}{2} = 15$ pairs of faces; $5$ of them are favourable.",
        r"So the complementary probability is $\frac{10}{15}$.",
        r"The probability is therefore \(\frac{2}{3}\).",
    ), r"\frac{1}{3}", False),
    ("unboxed_final", _c(
        r"Trying small cases: $k = 1$ gives $3$, $k = 2$ gives $5$, $k = 3$ gives $6$ or maybe $7$.",
        r"The pattern is not entirely clear.",
        r"So the answer should be around 6 or 7, I'm not fully sure.",
    ), "6", False),
    ("unboxed_final", _c(
        r"Let $a_k$ be the number of valid strings of length $k$. Then $a_1 = 2$ and $a_2 = 4$.",
        r"For $k = 3$ we must exclude the strings containing $010$, of which there are $2$, giving $6$...",
        r"Let me reconsider the case $k=3$.",
    ), "6", False),
    ("unboxed_final", _c(
        r"From $4x - 2 = 0$ we get $4x = 2$.",
        r"Dividing by $4$:",
        r"\[ x = \frac{1}{2} \]",
    ), "1/2", True),
    ("unboxed_final", _c(
        r"From $2x + 9 = 3$, subtract $9$: $2x = -6$.",
        r"Divide by $2$.",
        r"Final answer: -3",
    ), "-3", True),

    # ------------------------------------------------------------------------------------------
    # plain_text_math: LaTeX-free answers
    # ------------------------------------------------------------------------------------------
    ("plain_text_math", _c(
        r"The leg of an isosceles right triangle with hypotenuse 1 satisfies 2 l^2 = 1.",
        r"So l^2 = 1/2 and l = 1/sqrt(2).",
        r"Rationalizing, the answer is sqrt(2)/2",
    ), r"\frac{\sqrt{2}}{2}", True),
    ("plain_text_math", _c(
        r"The diagonal of a square with side 1 is sqrt(1 + 1).",
        r"We want the ratio of the diagonal to the side.",
        r"So the answer is sqrt(2)",
    ), r"\frac{\sqrt{2}}{2}", False),
    ("plain_text_math", _c(
        r"We solve 6x - 1 = 2: so 6x = 3.",
        r"Dividing by 6,",
        r"x = 1/2",
    ), r"\frac{1}{2}", True),
    ("plain_text_math", _c(
        r"We solve 6x + 1 = -2: so 6x = -3.",
        r"Dividing by 6,",
        r"x = -1/2",
    ), r"\frac{1}{2}", False),
    ("plain_text_math", _c(
        r"The recurrence is T(n) = 2 T(n-1) + 1 with T(1) = 1, giving 1, 3, 7, 15.",
        r"Each value is one less than a power of two.",
        r"So the answer is 2^n - 1",
    ), r"2^{n}-1", True),
    ("plain_text_math", _c(
        r"The recurrence is T(n) = 2 T(n-1) with T(1) = 1, giving 1, 2, 4, 8.",
        r"These are powers of two shifted by one.",
        r"So the answer is 2^(n-1)",
    ), r"2^{n}-1", False),
    ("plain_text_math", _c(
        r"Each of the n people shakes hands with everyone before them in line, 0 + 1 + ... + (n-1) handshakes,",
        r"plus one handshake each with the host, which adds n.",
        r"Answer: n(n+1)/2",
    ), r"\frac{n(n+1)}{2}", True),
    ("plain_text_math", _c(
        r"We need x with 2^x = 3, so x = ln 3 / ln 2, about 1.585.",
        r"In exact form,",
        r"the answer is log2(3)",
    ), r"\log_2 3", True),
    ("plain_text_math", _c(
        r"The height of an equilateral triangle with side 2 is sqrt(4 - 1).",
        r"Written with a fractional exponent,",
        r"the answer is 3^(1/2)",
    ), r"\sqrt{3}", True),
    ("plain_text_math", _c(
        r"The height of an equilateral triangle with side 2 is sqrt(4 - 1).",
        r"Numerically,",
        r"the answer is 1.73",
    ), r"\sqrt{3}", False),
    ("plain_text_math", _c(
        r"Subtract the equations x + y = 3 and x - y = -1 to get 2y = 4, so y = 2.",
        r"Then x = 1.",
        r"so (x, y) = (1, 2)",
    ), "(1,2)", True),
    ("plain_text_math", _c(
        r"A monotone lattice path to (n, n) is a word with n R's and n U's.",
        r"Choose where the R's go among the 2n positions.",
        r"the answer is C(2n, n)",
    ), r"\binom{2n}{n}", True),
    ("plain_text_math", _c(
        r"A monotone path to (n, n) that ends with an up step ... I count words of length 2n with n-1 R's.",
        r"Choose their positions among the 2n steps.",
        r"the answer is C(2n, n-1)",
    ), r"\binom{2n}{n}", False),
    ("plain_text_math", _c(
        r"Comparing e^pi and pi^e: ln of each is pi and e ln(pi) respectively.",
        r"Since pi > e ln(pi) (as ln x / x peaks at x = e), the larger one is",
        r"the answer is e^pi",
    ), r"e^{\pi}", True),
    ("plain_text_math", _c(
        r"We need sqrt(x) defined, so x >= 0, and 1/(1 - x) defined, so x != 1, and ln(1 - x) needs x < 1... I forgot that last one.",
        r"So the domain runs from 0 to 1 inclusive.",
        r"x is in [0, 1]",
    ), "[0,1)", False),

    # ------------------------------------------------------------------------------------------
    # structured_false_friends: the answer contains the gold's number but is a different object
    # ------------------------------------------------------------------------------------------
    ("structured_false_friends", _c(
        r"The fractional part $\{x\}$ takes values from $0$ up to but not including $1$.",
        r"The problem asks for the supremum of $\{x\}$, which I will describe by the range:",
        r"\boxed{[0,1)}",
    ), "1", False),
    ("structured_false_friends", _c(
        r"The expression $-\{x\}$ ranges over negatives of the fractional part.",
        r"So its range is the reflection of $[0, 1)$:",
        r"\boxed{-[0,1)}",
    ), "1", False),
    ("structured_false_friends", _c(
        r"The smallest leg of the right triangle with hypotenuse $5$ is $3$, and the other leg is $4$.",
        r"So the legs are",
        r"\boxed{(3, 4)}",
    ), "3", False),
    ("structured_false_friends", _c(
        r"The positive $x$ with $x^2 = 4$ is what we want.",
        r"So $x$ satisfies",
        r"\boxed{x^2 - 4 = 0}",
    ), "2", False),
    ("structured_false_friends", _c(
        r"The smallest prime $p > 3$ such that $p + 2$ is also prime is $p = 5$, giving the twin pair $5, 7$.",
        r"Reporting the twin pair:",
        r"\boxed{\{5, 7\}}",
    ), "5", False),
    # debatable: the gold is a one-element solution set; the bare element is accepted as naming it.
    ("structured_false_friends", _c(
        r"The equation $2x - 10 = 0$ has exactly one solution.",
        r"Solving, $x = 10/2$.",
        r"\boxed{5}",
    ), r"\{5\}", True),
    ("structured_false_friends", _c(
        r"The horizontal asymptote of $y = \frac{4x^2 + 1}{x^2 - 3}$ is the ratio of leading coefficients $\frac{4}{1}$.",
        r"The vertical asymptotes are $x = \pm\sqrt{3}$.",
        r"\boxed{y = 4}",
    ), "4", True),
    ("structured_false_friends", _c(
        r"Substituting, $3x - 1 = 5$ gives $3x = 6$.",
        r"Hence",
        r"\boxed{x=2}",
    ), "2", True),
    ("structured_false_friends", _c(
        r"The number of ways to arrange the letters of $ABCDEF$ is $6!$, but the question asks for the number of letters that can be first.",
        r"Hmm, I report the arrangement count:",
        r"\boxed{6!}",
    ), "6", False),
    ("structured_false_friends", _c(
        r"The function $f(x) = 12 - (x-3)^2$ is at most $12$ for every real $x$.",
        r"So the range of $f$ is described by",
        r"\boxed{x \le 12}",
    ), "12", False),
    ("structured_false_friends", _c(
        r"The $n$-th triangular number $\frac{n(n+1)}{2}$ equals $28$ for the value we seek.",
        r"Checking: $\frac{7 \cdot 8}{2} = 28$.",
        r"\boxed{n = 7}",
    ), "7", True),
    ("structured_false_friends", _c(
        r"Solving $x + 2y = 1$ and $y = 2$ gives $x = -3$... no: we need the point on $x = 1$ and $y = 2$.",
        r"So the point is",
        r"\boxed{[1,2]}",
    ), "(1,2)", False),
    ("structured_false_friends", _c(
        r"The function $g(x) = x^2 - 3x + 2 = (x-1)(x-2)$ is nonpositive between its roots.",
        r"The roots are",
        r"\boxed{\{1, 2\}}",
    ), "[1,2]", False),
    ("structured_false_friends", _c(
        r"The line $y = 2x - 1$ meets the $x$-axis where $2x - 1 = 0$, i.e. $x = \frac12$.",
        r"So the $x$-intercept is",
        r"\boxed{\left(\frac12, 0\right)}",
    ), r"\frac{1}{2}", False),
    # debatable: a singleton set for a single-value gold, symmetric to the {5} vs 5 case; accepted.
    ("structured_false_friends", _c(
        r"The equation $x^2 = 0$ has the double root $x = 0$ only.",
        r"So the solution set is",
        r"\boxed{\{0\}}",
    ), "0", True),
    ("structured_false_friends", _c(
        r"The arithmetic progression $2, 2 + k, 2 + 2k$ has sum $15$, so $6 + 3k = 15$.",
        r"Thus $3k = 9$.",
        r"\boxed{k=3}",
    ), "3", True),
    ("structured_false_friends", _c(
        r"The equation $\sqrt{x + 4} = 3$ gives $x + 4 = 9$.",
        r"So the solution set consists of the single value",
        r"\boxed{x=5}",
    ), r"\{5\}", True),
]
