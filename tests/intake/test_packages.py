"""Packages opened as they arrive: names as their makers meant them, files in folders and packages in
packages, and every limit refused in one line that names the package and the member, nothing kept."""

from __future__ import annotations

import stat
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from docgen.intake import Limits, PackageRefused, open_package
from tests.intake.makers import (
    EncryptedMember,
    UnflaggedUtf8Name,
    email_with,
    gbk_zip,
    rar4,
    seven_zip,
    zip_of,
)

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
PDF = b"%PDF-1.4\n%%EOF\n"


def inside(path: Path, **limits: int) -> list[str]:
    with open_package(path, Limits(**limits)) as package:
        return [f.inside for f in package.files]


def refusal(path: Path, tmp_path: Path, **limits: int) -> str:
    """The one line a package is refused with; and nothing of it left on disk."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    with pytest.raises(PackageRefused) as caught, open_package(path, Limits(**limits), workdir=work):
        pass
    assert list(work.iterdir()) == [], "something unpacked was kept"
    message = caught.value.message
    assert "\n" not in message and message.startswith(f"{path.name}: ")
    return message


def test_a_zip_from_chinese_windows_has_its_gbk_names_read(tmp_path: Path) -> None:
    members = {"师资/张三-高级技师证书.jpg": JPEG, "营业执照.pdf": PDF, "设备/清单/设备清单.xlsx": b"PK"}
    path = gbk_zip(tmp_path / "申报材料.zip", members)
    assert "╩ª╫╩/╒┼╚²-╕▀╝╢╝╝╩ª╓ñ╩Θ.jpg" in zipfile.ZipFile(path).namelist()  # what zipfile alone shows
    with open_package(path) as package:
        assert [f.inside for f in package.files] == list(members)
        assert [f.path.read_bytes() for f in package.files] == list(members.values())
        assert all(f.path.is_relative_to(package.files[0].path.parent.parent) for f in package.files)
        unpacked = package.files[0].path
    assert not unpacked.exists(), "the temporary folder outlived the block"


def test_utf8_names_with_the_flag_and_without_it_as_macos_writes_them(tmp_path: Path) -> None:
    flagged = zip_of(tmp_path / "a.zip", [("场地/租赁合同.pdf", PDF)])
    assert inside(flagged) == ["场地/租赁合同.pdf"]
    macos = zip_of(tmp_path / "b.zip", [(UnflaggedUtf8Name("场地/平面图.pdf"), PDF)])
    assert not zipfile.ZipFile(macos).infolist()[0].flag_bits & 0x800
    assert inside(macos) == ["场地/平面图.pdf"]


def test_nested_folders_and_a_zip_inside_the_zip_are_unpacked(tmp_path: Path) -> None:
    inner = gbk_zip(tmp_path / "inner.zip", {"证书/李四-技师证书.jpg": JPEG})
    outer = zip_of(
        tmp_path / "申报材料.zip",
        [
            ("1.申报表/申报表.docx", b"PK"),
            ("4.师资资质证明/张三/高级技师.jpg", JPEG),
            ("4.师资资质证明/李四.zip", inner.read_bytes()),
            ("__MACOSX/4.师资资质证明/._张三", b"junk"),
            ("Thumbs.db", b"junk"),
        ],
    )
    with open_package(outer) as package:
        assert [f.inside for f in package.files] == [
            "1.申报表/申报表.docx",
            "4.师资资质证明/张三/高级技师.jpg",
            "4.师资资质证明/李四.zip/证书/李四-技师证书.jpg",
        ]
        assert package.skipped == [("__MACOSX", "macOS 压缩时附带的文件"), ("Thumbs.db", "Windows 缩略图缓存")]


def test_a_folder_is_taken_in_place_and_its_packages_unpacked(tmp_path: Path) -> None:
    folder = tmp_path / "材料"
    (folder / "师资").mkdir(parents=True)
    (folder / "师资" / "张三.jpg").write_bytes(JPEG)
    (folder / ".hidden").write_bytes(b"x")
    gbk_zip(folder / "场地.zip", {"租赁合同.pdf": PDF})
    with open_package(folder) as package:
        assert [f.inside for f in package.files] == ["场地.zip/租赁合同.pdf", "师资/张三.jpg"]
        assert package.files[1].path == folder / "师资" / "张三.jpg"
    assert (folder / "场地.zip").is_file(), "a package given as a folder is left as it was"


def test_a_7z_and_a_rar(tmp_path: Path) -> None:
    assert inside(seven_zip(tmp_path / "a.7z", {"师资/王五.pdf": PDF, "设备清单.xlsx": b"PK"})) == [
        "师资/王五.pdf",
        "设备清单.xlsx",
    ]
    assert inside(rar4(tmp_path / "b.rar", {"场地/租赁合同.pdf": PDF, "营业执照.jpg": JPEG})) == [
        "场地/租赁合同.pdf",
        "营业执照.jpg",
    ]


def test_an_email_with_chinese_attachment_names_and_a_forwarded_message(tmp_path: Path) -> None:
    forwarded = EmailMessage()
    forwarded["Subject"] = "转发：师资证书"
    forwarded.set_content("见附件")
    forwarded.add_attachment(JPEG, maintype="image", subtype="jpeg", filename="张三-高级技师证书.jpg")
    zipped = gbk_zip(tmp_path / "x.zip", {"场地/租赁合同.pdf": PDF})
    path = email_with(
        tmp_path / "申报.eml", {"营业执照.pdf": PDF, "场地材料.zip": zipped.read_bytes()}, forwarded=forwarded
    )
    assert b"filename*=utf-8''%E8%90%A5" in path.read_bytes()  # RFC 2231, as sent
    with open_package(path) as package:
        assert [f.inside for f in package.files] == [
            "营业执照.pdf",
            "场地材料.zip/场地/租赁合同.pdf",
            "转发：师资证书/张三-高级技师证书.jpg",
        ]
        assert package.files[0].path.read_bytes() == PDF
        assert package.notes == []


def test_an_encoded_word_name_and_raw_gbk_bytes_in_a_header(tmp_path: Path) -> None:
    """Foxmail and older Outlook write =?GBK?B?...?= names; some programs put raw GBK bytes in the header."""
    import base64

    encoded = "=?GBK?B?" + base64.b64encode("营业执照.pdf".encode("gbk")).decode() + "?="
    lines = [
        b"From: a@example.com",
        b"MIME-Version: 1.0",
        b'Content-Type: multipart/mixed; boundary="b"',
        b"",
        b"--b",
        b"Content-Type: application/pdf",
        b'Content-Disposition: attachment; filename="' + encoded.encode() + b'"',
        b"Content-Transfer-Encoding: base64",
        b"",
        base64.b64encode(PDF),
        b"--b",
        b"Content-Type: image/jpeg",
        b'Content-Disposition: attachment; filename="' + "师资证书.jpg".encode("gbk") + b'"',
        b"Content-Transfer-Encoding: base64",
        b"",
        base64.b64encode(JPEG),
        b"--b--",
        b"",
    ]
    path = tmp_path / "foxmail.eml"
    path.write_bytes(b"\r\n".join(lines))
    assert inside(path) == ["营业执照.pdf", "师资证书.jpg"]


def test_large_attachment_links_in_the_mail_text_are_pointed_out(tmp_path: Path) -> None:
    path = email_with(tmp_path / "qq.eml", {"营业执照.pdf": PDF}, body="从QQ邮箱发来的超大附件：师资.zip（30天后过期）")
    with open_package(path) as package:
        assert len(package.notes) == 1 and "超大附件" in package.notes[0]


# --- limits: one line naming the package and the member, nothing kept -------------------------


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "bomb.zip", [("营业执照.pdf", PDF), ("师资/zeros.bin", bytes(50 << 20))])
    assert path.stat().st_size < 200_000
    line = refusal(path, tmp_path)
    assert line.startswith("bomb.zip: 师资/zeros.bin: compressed ") and "zip bomb" in line


def test_a_package_larger_than_the_limit_unpacked(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "big.zip", [(f"扫描件{n}.bin", bytes(600_000)) for n in range(4)])
    line = refusal(path, tmp_path, total_bytes=2_000_000)
    assert line.startswith("big.zip: 扫描件3.bin: the package unpacks to more than")


@pytest.mark.parametrize(
    ("member", "shown"),
    [
        ("../../etc/cron.d/evil", "../../etc/cron.d/evil"),
        ("/etc/passwd", "/etc/passwd"),
        ("C:\\Windows\\x.dll", "C:/Windows/x.dll"),
    ],
)
def test_paths_that_leave_the_package(tmp_path: Path, member: str, shown: str) -> None:
    path = zip_of(tmp_path / "evil.zip", [("营业执照.pdf", PDF), (zipfile.ZipInfo(member), b"x")])
    assert refusal(path, tmp_path) == (
        f"evil.zip: {shown}: a path that leads out of the package (../, / or a drive letter); nothing was kept"
    )


def test_an_encrypted_member_asks_for_the_file_without_a_password(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "locked.zip", [("营业执照.pdf", PDF), (EncryptedMember("师资/张三证书.pdf"), PDF)])
    assert zipfile.ZipFile(path).infolist()[1].flag_bits & 0x1
    assert refusal(path, tmp_path) == (
        "locked.zip: 师资/张三证书.pdf: password-protected; ask the applicant for the file without a password; "
        "nothing was kept"
    )
    rar = rar4(tmp_path / "locked.rar", {"场地/租赁合同.pdf": PDF}, encrypted=["场地/租赁合同.pdf"])
    assert refusal(rar, tmp_path).startswith("locked.rar: 场地/租赁合同.pdf: password-protected")


def test_too_many_members(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "many.zip", [(f"照片/IMG_{n:04d}.jpg", JPEG) for n in range(2001)])
    assert refusal(path, tmp_path) == (
        "many.zip: 照片/IMG_2000.jpg: more than 2000 files in the package; send it in parts; nothing was kept"
    )


def test_a_symbolic_link_member(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("营业执照.pdf")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = zip_of(tmp_path / "link.zip", [(link, b"/etc/passwd")])
    assert refusal(path, tmp_path).startswith("link.zip: 营业执照.pdf: a symbolic link inside the package")


def test_packages_nested_deeper_than_the_limit(tmp_path: Path) -> None:
    level = zip_of(tmp_path / "4.zip", [("营业执照.pdf", PDF)])
    for n in (3, 2):
        level = zip_of(tmp_path / f"{n}.zip", [(level.name, level.read_bytes())])
    allowed = zip_of(tmp_path / "top.zip", [(level.name, level.read_bytes())])  # top, 2, 3: three deep
    assert inside(allowed, depth=4) == ["2.zip/3.zip/4.zip/营业执照.pdf"]
    assert refusal(allowed, tmp_path) == (
        "top.zip: 2.zip/3.zip/4.zip: packages nested more than 3 deep; unpack it first; nothing was kept"
    )


def test_a_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "cut.zip"
    path.write_bytes(zip_of(tmp_path / "whole.zip", [("a.pdf", PDF * 100)]).read_bytes()[:-30])
    assert "a damaged ZIP" in refusal(path, tmp_path)
