"""How fast the engine plans: plans per second over a mix of profiles, catalog loaded once.

    python bench/plan_bench.py [--profiles 500] [--rounds 5]

Reports the time per plan and, as the baseline measured in the same run, the time to validate
the same profiles (planner.plans.profile.validate): machines differ, the ratio travels.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from planner.plans.catalog import default_folder, load_catalog
from planner.plans.engine import build_plan
from planner.plans.profile import BOOLEANS, ENUMS, HOME_FIELDS, LESION_SITES, validate


def random_profile(rng: random.Random) -> dict:
    """A valid profile with a random subset of fields, like the households of a clinic."""
    profile: dict = {"lesion_sites": rng.sample(LESION_SITES, rng.randint(0, 4))}
    for name, values in ENUMS.items():
        if rng.random() < 0.7:
            profile[name] = rng.choice(values)
    for name in BOOLEANS:
        if rng.random() < 0.6:
            profile[name] = rng.random() < 0.5
    base = dt.date(2026, 11, 22)
    for name in ("bone_agent_start", "last_dental_exam"):
        if rng.random() < 0.6:
            profile[name] = (base + dt.timedelta(days=rng.randint(-400, 120))).isoformat()
    if rng.random() < 0.6:
        profile["falls_past_year"] = rng.randint(0, 4)
    if rng.random() < 0.3:
        profile["fluid_restriction_ml"] = rng.choice([None, 1000, 1200, 1500, 2000])
    if rng.random() < 0.7:
        profile["home"] = {k: rng.random() < 0.5 for k in HOME_FIELDS if rng.random() < 0.7}
    return profile


def per_call(fn, profiles: list[dict], rounds: int) -> list[float]:
    """Seconds per call of fn(profile), one figure per round (best of the rounds is reported)."""
    figures = []
    for _ in range(rounds):
        start = time.perf_counter()
        for profile in profiles:
            fn(profile)
        figures.append((time.perf_counter() - start) / len(profiles))
    return figures


def measure(count: int = 500, rounds: int = 5) -> dict:
    """Plan `count` random profiles `rounds` times; the figures main() prints, as a dict."""
    rng = random.Random(20261122)
    profiles = [random_profile(rng) for _ in range(count)]
    assert all(validate(p) == [] for p in profiles)
    load_start = time.perf_counter()
    catalog = load_catalog(default_folder())
    load_ms = (time.perf_counter() - load_start) * 1000
    today = dt.date(2026, 11, 22)
    plan = per_call(lambda p: build_plan(p, catalog, today), profiles, rounds)
    base = per_call(validate, profiles, rounds)
    return {
        "catalog_ms": load_ms,
        "items": len(catalog.items),
        "plan_ms": min(plan) * 1000,
        "plans_per_s": 1 / min(plan),
        "median_ms": statistics.median(plan) * 1000,
        "baseline_ms": min(base) * 1000,
        "ratio": min(plan) / min(base),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    m = measure(args.profiles, args.rounds)
    print(f"catalog load: {m['catalog_ms']:.1f} ms ({m['items']} items), once")
    print(
        f"plan: {m['plan_ms']:.3f} ms per plan, {m['plans_per_s']:,.0f} plans/s "
        f"(median of rounds {m['median_ms']:.3f} ms)"
    )
    print(f"baseline (validate the profile): {m['baseline_ms']:.4f} ms")
    print(f"ratio plan / baseline: {m['ratio']:.1f}x")


if __name__ == "__main__":
    main()
