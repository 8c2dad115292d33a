"""The runnable example behind the README's first command, and the README itself."""

from __future__ import annotations

import pathlib
import runpy

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_quickstart_prints_the_hand_computed_figures(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(ROOT / "docs" / "examples" / "quickstart.py"), run_name="__main__")
    out = capsys.readouterr().out.splitlines()
    # Inception 2024-02-29; the first renewal runs 2025-02-28 to 2026-02-27 (365 days).
    # 3650.00 x 0.85 = 3102.50 = 310250 fen; 310250 = 12 x 25854 + 2, so two
    # installments of 258.55 and ten of 258.54.
    assert out == [
        "Renewal term: February 28, 2025 to February 27, 2026",
        "Days of cover: 365",
        "Premium: ¥3,102.50",
        "12 installments: 258.55 x 2, then 258.54 x 10",
        "Installments add up to the premium: True",
        # 20 days before the expiry day 2025-02-27, inside the 90-day auto window;
        # unpaid premium blocks by default, 12 days overdue is within the 30 referred.
        "Eligibility: ineligible",
        "- [block] unpaid.premium: 150.00 CNY of premium is unpaid, more than the 0.00 CNY "
        "that may be referred",
        "- [refer] unpaid.overdue_installments: 1 installment(s) overdue, the oldest by 12 "
        "days (at most the 30 days that may be referred)",
        # Lapse 12/30 = 0.4 x weight 15 = 6; delinquency 1/3 = 0.3333 x 15 = 4.9995:
        # score 10.9995, LOW; but the lapse rates likelihood 1 + floor(0.4 x 5) = 3 and
        # impact 3, 9 on the matrix: MEDIUM, whose first measure is process monitoring.
        "Risk: MEDIUM (score 10.9995); first measure: process.monitor",
    ]


def test_readme_opens_with_the_two_set_up_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert block == [
        "python -m pip install . && python docs/examples/quickstart.py",
        "python -m pip install -e '.[test]' && python -m pytest",
    ]
    assert text.index("```bash") < text.index("## ")  # before any other section
