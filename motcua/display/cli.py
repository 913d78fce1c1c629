"""Command-line checks of voice announcements, so staff can hear a call without a board.

`announce_command` and `voice_group` are plain click commands for the `motcua` group; they need
no Flask app and no database.
"""
from __future__ import annotations

from pathlib import Path

import click

from motcua.display import clips, voice


def _checked_pack(root: Path, settings: voice.VoiceSettings) -> voice.ClipPack:
    problems = voice.validate_pack(root, settings)
    if problems:
        raise click.ClickException(f"clip pack {root} cannot be used: " + "; ".join(problems))
    return voice.load_pack(root)


@click.command("announce")
@click.argument("number")
@click.argument("counter", type=click.IntRange(0, 999))
@click.option("--digits", is_flag=True, help="Read the ticket number digit by digit.")
@click.option("--south", is_flag=True, help="Southern words: lẻ, ngàn (instead of linh, nghìn).")
@click.option("--bon", is_flag=True, help='Read 24 as "hai mươi bốn" (instead of "hai mươi tư").')
@click.option("--repeat", type=click.IntRange(1, 2), default=voice.VoiceSettings.repeat,
              show_default=True, help="Say the sentence once or twice.")
@click.option("--english", is_flag=True, help="Announce in English.")
@click.option("--pack", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A hall's own clip pack (default: the generated pack).")
@click.option("--wav", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the announcement as a WAV file.")
def announce_command(number: str, counter: int, digits: bool, south: bool, bon: bool,
                     repeat: int, english: bool, pack: Path | None, wav: Path | None) -> None:
    """Print the announcement for ticket NUMBER (e.g. 1023 or A012) called to COUNTER."""
    settings = voice.VoiceSettings(repeat=1 if repeat == 1 else 2, digits=digits, south=south,
                                   four_as_tu=not bon, language="en" if english else "vi",
                                   pack=pack)
    try:
        announcement = voice.build_announcement(number, counter, settings)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NUMBER") from None
    click.echo(announcement.text)
    if wav is not None:
        root = pack if pack is not None else clips.ensure_default_pack()
        out = voice.render_wav(announcement, _checked_pack(root, settings), wav)
        click.echo(f"Wrote {out} ({voice.wav_duration(out):.1f} s)", err=True)


@click.group("voice")
def voice_group() -> None:
    """Clip packs for voice announcements."""


@voice_group.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=voice.DEFAULT_PACK_DIR, show_default=True,
              help="Folder to write the pack to (replaced whole).")
def build_command(out: Path) -> None:
    """Synthesise the default clip pack offline with espeak-ng."""
    try:
        root = clips.build_default_pack(out)
    except OSError as exc:  # a file where a folder should be, no permission, a full disk
        raise click.ClickException(
            f"cannot write the clip pack to {out}: {exc.strerror} ({exc.filename})") from None
    click.echo(f"Built {len(voice.load_pack(root).clips)} clips in {root}")


@voice_group.command("check")
@click.argument("pack", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--south", is_flag=True, help="The hall uses southern words (lẻ, ngàn).")
@click.option("--bon", is_flag=True, help='The hall reads 24 as "hai mươi bốn".')
@click.option("--english", is_flag=True, help="Check the English clips instead.")
def check_command(pack: Path, south: bool, bon: bool, english: bool) -> None:
    """Check a hall's clip pack: list every missing or mismatched clip."""
    settings = voice.VoiceSettings(south=south, four_as_tu=not bon,
                                   language="en" if english else "vi", pack=pack)
    loaded = _checked_pack(pack, settings)
    click.echo(f"{loaded.name}: all {len(voice.required_clips(settings))} clips present")
