"""Official documents (公文) of the yearly cycle: data models, docx templates, rendering, PDF export."""
