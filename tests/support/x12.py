"""The 856 contract fixture (tests/fixtures/x12/856_pick_pack.edi), filled in."""

from pathlib import Path

FIXTURE = Path(__file__).parent.parent / "fixtures" / "x12" / "856_pick_pack.edi"


def pick_pack_856(control: int = 4711, sender: str = "TPLAEDI", **values: str) -> str:
    """The fixture with its placeholders ({PO}, {SKU_A}, {SKU_B}, {SSCC1}, {SSCC2}) and
    its interchange/group control numbers (ISA13/IEA02, GS06/GE02) given."""
    text = FIXTURE.read_text()
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    text = text.replace("000004711", f"{control:09d}").replace("*4711*", f"*{control}*")
    text = text.replace("GE*1*4711~", f"GE*1*{control}~")
    return text.replace("TPLAEDI        ", sender.ljust(15)).replace("SH*TPLAEDI*", f"SH*{sender}*")
