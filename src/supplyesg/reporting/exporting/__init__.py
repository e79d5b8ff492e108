"""The report outputs of a snapshot: the annual-report workbook (`xlsx`), the PDF (`pdf`), the GRI content index
(`content_index`), all built from the snapshot's stored figures only (never recomputed), so a download reads the
same, byte for byte, after the data behind it changes. `content` prepares the figures once for every output,
and with `public=True` withholds what a public report must not show (supplier names, small cells, internal items).
"""
