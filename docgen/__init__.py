"""docgen: documents and evidence archive for high-skill talent public training bases.

(高技能人才公共实训基地 — 申报、评审、公示、认定、考核、撤销)
"""

__version__ = "0.1.0"
