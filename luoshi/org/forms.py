from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from luoshi.core.forms import BootstrapFormMixin


class OrganisationImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="组织机构表格（.xlsx）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = (
            f"按导入模板填写的单位、人员、领导分管、账号四张工作表；最大 {settings.LUOSHI_IMPORT_MAX_MB} MB"
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.LUOSHI_IMPORT_MAX_MB
        if upload.size > limit * 1024 * 1024:
            size = upload.size / (1024 * 1024)
            raise forms.ValidationError(f"文件有 {size:.1f} MB，超过导入上限 {limit} MB。")
        return upload
