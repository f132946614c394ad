"""doithoai — theo dõi tiếp xúc, đối thoại trực tiếp với Nhân dân và kiến nghị của công dân."""

__version__ = "0.1.0"
