"""How often the offline scorer's clips keep the title, hashtag and boilerplate rules (prints shares).

Scores the bundled sample podcast (English) and the Indonesian lecture fixture with the heuristic
provider's path (score → repair → rank, one global call as the service makes it), prints each clip's
rank, score, title and hashtags, then the share of clips meeting each rule of services/scoring/README.md.
Exits 1 when any rule holds for less than 100% of the clips.

    .venv/bin/python tests/bench/eval_offline_scorer.py
"""

import sys
import time

from viralclip_contracts import ClipBatchConfig
from viralclip_scoring.heuristic import score_windows
from viralclip_scoring.language import load_profile
from viralclip_scoring.validate import ClipLimits, rank_clips, repair_answer
from viralclip_testkit.offline_fixtures import (
    RULES,
    Fixture,
    clip_rule_failures,
    english_sample,
    indonesian_fixture,
)


def evaluate(fixture: Fixture, video_type: str = "podcast") -> bool:
    config = ClipBatchConfig(video_type=video_type, clip_length_preset="30-60s")
    profile = load_profile(fixture.language)
    started = time.perf_counter()
    answer = score_windows(fixture.windows, config, profile=profile)
    elapsed = time.perf_counter() - started
    end = fixture.windows[-1].end_sec
    repaired = repair_answer(
        answer, fixture.windows, ClipLimits(timeframe=(0.0, end), duration_bounds=(30, 60))
    )
    clips = rank_clips(repaired.candidates, batch_id="b-eval", video_id="v-eval", language=fixture.language)
    print(
        f"\n== {fixture.name}: {len(fixture.windows)} windows, {len(clips)} clips, scored in {elapsed:.2f} s"
    )
    for clip in clips:
        print(
            f"  {clip.rank:>2} {clip.viral_score:>4} {clip.start_time_sec:>7.1f}s  {clip.title}",
            " ".join(clip.hashtags),
        )
    failures = clip_rule_failures(
        clips, fixture.windows, profile, profile.genre_tags[video_type], fixture.boilerplate
    )
    ok = True
    for rule in RULES:
        total = 3 if rule == RULES[-1] else len(clips)
        share = 100 * (total - len(failures[rule])) / max(total, 1)
        ok = ok and not failures[rule]
        print(
            f"  {share:6.1f}%  {rule}"
            + (f"   FAILS: {'; '.join(failures[rule][:4])}" if failures[rule] else "")
        )
    return ok


def main() -> int:
    results = [evaluate(english_sample()), evaluate(indonesian_fixture())]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
