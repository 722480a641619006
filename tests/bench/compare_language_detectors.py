"""Accuracy and speed of three language detectors on short Indonesian and English sentences.

Not part of `make bench` (only py3langid is a dependency). Run in a scratch venv with all three:
    python -m venv /tmp/ld && /tmp/ld/bin/pip install py3langid langdetect lingua-language-detector
    /tmp/ld/bin/python tests/bench/compare_language_detectors.py
"""

import statistics
import time
from collections.abc import Callable

ID = [
    "Nah jadi kita mulai dari fungsi yang paling sederhana dulu ya.",
    "Kenapa sih banyak orang gagal waktu belajar pemrograman?",
    "Jadi gini, kalian harus paham dulu konsep variabel.",
    "Oke, sekarang kita bikin kelas baru di Java.",
    "Bulan itu tempat yang paling dekat untuk belajar hidup di luar Bumi.",
    "Saya kira itu bukan masalah besar, tapi ternyata penting banget.",
    "Terima kasih sudah menonton, jangan lupa subscribe.",
    "Harga beras naik lagi minggu ini di pasar tradisional.",
    "Kamu pernah nggak sih merasa capek tanpa alasan?",
    "Timnas Indonesia menang dua kosong tadi malam.",
    "Menurut penelitian terbaru, tidur enam jam itu kurang.",
    "Eh, tunggu dulu, ini belum selesai.",
    "Kita akan membahas cara menabung untuk anak muda.",
    "Data ini menunjukkan pertumbuhan ekonomi yang lambat.",
    "Gimana caranya supaya video kita ditonton banyak orang?",
    "Pemerintah mengumumkan kebijakan baru soal pajak kendaraan.",
    "Nah, di sini kita masukkan input-an dari pengguna.",
    "Anak-anak sekolah sekarang sudah pakai tablet.",
    "Jangan pernah menyerah sama mimpi kalian.",
    "Rahasia sukses itu sebenarnya sederhana sekali.",
]
EN = [
    "So why would anyone fly three days to a dead rock?",
    "The crater floors near the poles stay incredibly cold.",
    "You know, I never thought about it that way.",
    "Here's the secret nobody tells you about saving money.",
    "Thanks for watching, and don't forget to subscribe.",
    "The team won the final in the last minute.",
    "Apollo 17 returned samples from the valley in 1972.",
    "Let me show you how to fix this in two minutes.",
    "Honestly, that was the worst decision of my life.",
    "Scientists found water ice in the shadowed craters.",
    "What happens when the battery runs out?",
    "Um, yeah, so basically it just works.",
    "Our guest today is an engineer at NASA.",
    "The price is too high for what you get.",
    "I learned that lesson the hard way.",
    "Audio engineers are Manny Cooper and Dan Greene.",
    "This is the biggest mistake beginners make.",
    "We are going to build a new class in Java.",
    "She said the plan would change everything.",
    "Imagine living on the Moon for a whole year.",
]


def run(name: str, detect: Callable[[str], str | None]) -> None:
    for lang, texts in (("id", ID), ("en", EN)):
        ok, times = 0, []
        for text in texts:
            started = time.perf_counter()
            got = detect(text)
            times.append(time.perf_counter() - started)
            ok += got == lang
            if got != lang:
                print(f"  {name} miss {lang}->{got}: {text}")
        print(f"{name} {lang}: {ok}/{len(texts)} median {statistics.median(times) * 1000:.2f} ms")


def main() -> None:
    import langdetect
    import py3langid
    from lingua import LanguageDetectorBuilder

    started = time.perf_counter()
    py3langid.classify("warm up")
    print("py3langid load", round(time.perf_counter() - started, 2), "s")
    run("py3langid", lambda text: str(py3langid.classify(text)[0]))
    langdetect.DetectorFactory.seed = 0
    run("langdetect", langdetect.detect)
    started = time.perf_counter()
    lingua = LanguageDetectorBuilder.from_all_languages().build()
    lingua.detect_language_of("warm up")
    print("lingua load", round(time.perf_counter() - started, 2), "s")

    def by_lingua(text: str) -> str | None:
        found = lingua.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None

    run("lingua", by_lingua)


if __name__ == "__main__":
    main()
