"""The front page."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    """This month's theme, what comes next, and recent activity."""
    return render_template("main/home.html")
