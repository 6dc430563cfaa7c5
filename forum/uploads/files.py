"""Images and PDFs members attach to posts.

What a file is comes from its bytes, never its name or the browser's
Content-Type. Images are decoded and written again by Pillow, so what is
stored is pixels only: no camera, location or editing metadata, and
nothing a browser could run. PDFs are kept as sent and only ever
downloaded (forum/uploads/views.py), never shown inside the site.

A file is named by a random key: the name a member gave it is kept for
downloads, never used as a path. Its bytes are kept by the store
UPLOAD_STORE names (forum/uploads/stores.py): a folder on this machine, or
the database every app server shares.
"""
from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from ..moderation import audit
from .. import throttle
from . import stores
from ..core.database import lock_for
from ..core.extensions import db
from ..models import Post, Upload, User
from ..core.text import clean_line

IMAGE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
ACCEPTED = "image/jpeg,image/png,image/gif,image/webp,application/pdf,.pdf"
NAME_MAX = 120
_PDF_MAGIC = b"%PDF-"
_LINK_SPECIAL = re.compile(r"([\\\[\]*_`<>])")
# An attached file's address as posts name it (forum/core/markup.py shows only these).
_FILE_IN_TEXT = re.compile(r"/uploads/([A-Za-z0-9_-]{16,32})\.(jpg|png|pdf)\b")


class UploadError(ValueError):
    """The file can't be kept; the message says why, to the member who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Usage:
    used: int
    quota: int

    @property
    def left(self) -> int:
        return max(self.quota - self.used, 0)


def size_text(byte_size: int) -> str:
    """Bytes as people read them: 240 KB, 3.4 MB."""
    if byte_size < 1024 * 1024:
        return f"{max(byte_size // 1024, 1)} KB"
    return f"{byte_size / (1024 * 1024):.1f} MB"


def usage(member: User) -> Usage:
    used = db.session.scalar(select(func.coalesce(func.sum(Upload.byte_size), 0)).where(Upload.owner_id == member.id))
    return Usage(int(used), current_app.config["UPLOAD_QUOTA_BYTES"])


def store(member: User, sent: FileStorage) -> Upload:
    """Check, clean and keep a file a member sent; commit. UploadError when it can't be kept."""
    data = _read_within_limit(sent)
    if not throttle.take_at_once("upload", member.id):
        raise UploadError("You have attached many files in the last hour: please wait a while, then attach this one.")
    if data.startswith(_PDF_MAGIC):
        content, extension, width, height = data, "pdf", None, None
    else:
        content, extension, width, height = _clean_image(data)
    lock_for(f"uploads:{member.id}")  # two files sent at once must not both fit in the room left for one
    room = usage(member)
    if len(content) > room.left:
        raise UploadError(
            f"This file ({size_text(len(content))}) would take you past your {size_text(room.quota)} of "
            f"attachments; you have {size_text(room.left)} left. Delete files you no longer need "
            "under Settings → Attached files, then attach it again."
        )
    upload = Upload(key=secrets.token_urlsafe(16), owner_id=member.id, extension=extension,
                    name=_display_name(sent.filename, extension), byte_size=len(content),
                    width=width, height=height)
    db.session.add(upload)
    keeper = stores.current()
    keeper.put(upload, content)
    try:
        db.session.commit()
    except BaseException:
        keeper.discard([upload.filename])
        raise
    return upload


def markdown_for(upload: Upload, url: str) -> str:
    """What goes into a post to show the file: an image, or a link to the PDF with its size."""
    if upload.is_image:
        return f"![{_link_words(Path(upload.name).stem)}]({url})"
    return f"[{_link_words(upload.name)} ({size_text(upload.byte_size)})]({url})"


def _link_words(name: str) -> str:
    """A file's name as a link's words: only what would end the link or mark up the name is escaped,
    so that it reads as typed in the member's text."""
    return _LINK_SPECIAL.sub(r"\\\1", name)


def get(upload_id: int) -> Upload | None:
    return db.session.get(Upload, upload_id)


def find(key: str, extension: str) -> Upload | None:
    return db.session.scalar(select(Upload).where(Upload.key == key, Upload.extension == extension))


def member_uploads(member: User) -> list[Upload]:
    return list(db.session.scalars(
        select(Upload).where(Upload.owner_id == member.id).order_by(Upload.created_at.desc(), Upload.id.desc())))


def remove(upload: Upload, moderator: User | None = None, post: Post | None = None) -> None:
    """Delete a file and its row; commit. Posts that showed it show its words only.

    A moderator deleting a file another member attached to `post` is audited.
    """
    filename = upload.filename
    if moderator is not None and post is not None:
        audit.record(moderator, "post.file_delete", post, f"{upload.name}, attached by {upload.owner.display_name}")
    db.session.delete(upload)
    db.session.commit()
    stores.current().discard([filename])


def shown_in(post: Post) -> list[Upload]:
    """The attached files a post's text shows or links to, in the order it names them."""
    named = list(dict.fromkeys(_FILE_IN_TEXT.findall(post.body or "")))
    if not named:
        return []
    found = {(upload.key, upload.extension): upload for upload in db.session.scalars(
        select(Upload).options(joinedload(Upload.owner)).where(Upload.key.in_([key for key, _ in named])))}
    return [found[pair] for pair in named if pair in found]


def forget_all_of(members) -> list[str]:
    """Delete the rows of every file these members (a query of user ids, or one member) attached,
    in the caller's transaction.

    Returns the files' names, for the caller to discard (delete_files) once it has committed.
    """
    ids = [members.id] if isinstance(members, User) else members
    filenames = [upload.filename for upload in db.session.scalars(select(Upload).where(Upload.owner_id.in_(ids)))]
    db.session.execute(delete(Upload).where(Upload.owner_id.in_(ids)))
    return filenames


def delete_files(filenames: list[str]) -> None:
    stores.current().discard(filenames)


def _read_within_limit(sent: FileStorage) -> bytes:
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = sent.stream.read(limit + 1)
    if not data:
        raise UploadError("That file is empty: choose the image or PDF again.")
    if len(data) > limit:
        raise UploadError(f"Files can be at most {size_text(limit)}; this one is larger. "
                          "Save a smaller copy (a photo at a lower resolution, a PDF without images) and attach that.")
    return data


def _clean_image(data: bytes) -> tuple[bytes, str, int, int]:
    """The image's pixels written again as JPEG (photos) or PNG (transparency), at most IMAGE_MAX_SIDE."""
    side = current_app.config["UPLOAD_IMAGE_MAX_SIDE"]
    not_accepted = UploadError("Only images (JPEG, PNG, GIF, WebP) and PDFs can be attached, "
                               "and this file is neither, whatever its name says.")
    with warnings.catch_warnings():
        # Pillow warns of a "decompression bomb" by a warning; it is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))  # reads the header only: the size, not the pixels
            if image.format not in IMAGE_FORMATS:
                raise not_accepted
            _check_pixels(image)
            if image.format == "JPEG":
                # libjpeg decodes at 1/2, 1/4 or 1/8 of the size when that still covers
                # the kept size: a 48-megapixel photo takes a quarter of the memory.
                image.draft("RGB", _kept_size(image.size, side))
            image.seek(0)  # an animation keeps its first frame
            image.load()
        except UploadError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_many_pixels("This image has more pixels than can be attached",
                                   current_app.config["UPLOAD_MAX_PIXELS"]) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_accepted from None
    transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    # Scaled down before anything copies the pixels: a whole-size copy of a large image cost
    # more memory than decoding it (exif_transpose copies; RGB takes 4 bytes a pixel).
    if image.mode == "1":
        image = image.convert("L")  # a byte a pixel either way, and it scales smoothly
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if transparent else "RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    image = ImageOps.exif_transpose(image)  # phones store "rotate me" as metadata, which is dropped
    image = image.convert("RGBA" if transparent else "RGB")
    image.info = {}
    out = io.BytesIO()
    if transparent:
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), "png" if transparent else "jpg", image.width, image.height


def _check_pixels(image: Image.Image) -> None:
    """Refuse, from the header, an image whose pixels would cost too much to decode.

    A JPEG is decoded at a fraction of its size (draft), so it may have
    UPLOAD_MAX_PIXELS; PNG, GIF, WebP and a progressive JPEG's coefficients
    are decoded whole, and have the lower caps of UPLOAD_MAX_PIXELS_BY_FORMAT.
    Before them a few kilobytes cost hundreds of megabytes: 7000 x 7000
    pixels as a 6 KB 1-bit PNG took 1.1 s and +281 MB to clean, as a
    16-bit RGBA PNG +469 MB, as a 2 KB WebP 2.8 s and +753 MB, as a
    progressive CMYK JPEG +422 MB. Now each is refused from its header
    (under 0.05 s, +5 MB), and the costliest image under each cap took
    (6 December 2026, Pillow 13, peak RSS of one upload; times vary with
    load): PNG 16 million RGBA or 16-bit, 0.5-0.9 s and +187 MB; GIF,
    0.4 s and +126 MB; WebP 9 million RGBA, 0.5-0.7 s and +197 MB;
    progressive JPEG 16 million CMYK, 0.6 s and +184 MB; baseline JPEG
    5119 x 5119 CMYK (too small to decode at half size), 0.5 s and +201 MB.
    """
    config = current_app.config
    limit, what = config["UPLOAD_MAX_PIXELS"], "can be attached"
    kind = "progressive JPEG" if image.format == "JPEG" and image.info.get("progressive") else image.format
    lower = config["UPLOAD_MAX_PIXELS_BY_FORMAT"].get(kind)
    if lower is not None and lower < limit:
        limit, what = lower, f"a {kind.replace('WEBP', 'WebP')} image can have"
    if image.width * image.height > limit:
        raise _too_many_pixels(f"This image is {image.width:,} × {image.height:,} pixels, more than {what}", limit)


def _kept_size(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size an image is kept at: within side × side, its shape unchanged, never enlarged."""
    width, height = size
    scale = min(side / width, side / height, 1)
    return max(round(width * scale), 1), max(round(height * scale), 1)


def _too_many_pixels(what: str, limit: int) -> UploadError:
    return UploadError(f"{what} (at most {limit / 1_000_000:g} million). Save a smaller copy and attach that.")


def _display_name(sent_name: str | None, extension: str) -> str:
    """The name a member's computer gave the file, without folders, ending as its content does."""
    name = clean_line(Path((sent_name or "").replace("\\", "/")).name) or "attachment"
    stem = Path(name).stem[: NAME_MAX - 5].strip() or "attachment"
    return f"{stem}.{extension}"
