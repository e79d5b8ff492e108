"""Writing the demo plan: bulk inserts in one transaction, with the audit rows the services would write."""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from supplyesg.core.models import AuditEvent, Role, User
from supplyesg.suppliers.demo.plan import SEED, DemoPlan, build_plan, slug
from supplyesg.suppliers.demo.words import (
    BLACKLIST_DETAILS,
    CONDITIONAL_REASONS,
    EXIT_REASONS,
    SUSPENDED_REASONS,
    USERS,
)

PASSWORD = "demo-Passw0rd!"  # noqa: S105 - printed for the demo users, demo mode only
DEMO_MARKER = "demo.loaded"  # the audit action of the row a load leaves behind


@dataclass
class DemoOutcome:
    loaded: bool
    message: str = ""
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, bound supplier
    counts: dict[str, int] = field(default_factory=dict)


class DemoRefused(Exception):
    pass


def pdf_bytes(title: str) -> bytes:
    """A small valid one-page PDF showing `title`."""
    text = title.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj 0 -24 Td (SupplyESG demo document) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def demo_is_loaded() -> bool:
    """The load leaves one audit row behind, so later edits to the demo registry or to the generator do not matter."""
    return AuditEvent.objects.filter(action=DEMO_MARKER).exists()


def load_demo(seed: int = SEED) -> DemoOutcome:
    """Write the demo data set once. Refuses a registry that already holds other suppliers."""
    from supplyesg.suppliers.models import Supplier

    if demo_is_loaded():
        return DemoOutcome(False, "The demo data is already loaded; nothing was changed.")
    if Supplier.objects.exists():
        raise DemoRefused(f"The registry already holds {Supplier.objects.count()} suppliers that are not the demo data; "
                          "load the demo into an empty database.")
    call_command("load_reference", stdout=StringIO())
    plan = build_plan(seed)
    with transaction.atomic():
        return _Writer(plan, rng=random.Random(seed + 1)).write()


class _Writer:
    def __init__(self, plan: DemoPlan, rng):
        self.plan, self.rng = plan, rng
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.events: list[AuditEvent] = []

    def day(self, days_ago: int, hour: int = 10):
        moment = self.now - timedelta(days=days_ago)
        return moment.replace(hour=hour, minute=self.rng.randint(0, 59), second=0, microsecond=0)

    def event(self, at, actor, action, target, supplier, changes=None, reason=""):
        self.events.append(AuditEvent(
            at=at, actor=actor, actor_label=actor.username if actor else "system", action=action,
            target_type=target._meta.label_lower, target_id=str(target.pk), target_label=str(target)[:300],
            supplier_id=supplier.pk if supplier else None, changes=changes or {}, reason=reason,
        ))

    def write(self) -> DemoOutcome:
        from supplyesg.suppliers.models import Category, Supplier, SupplyLink

        outcome = DemoOutcome(True)
        self.users = self._users(outcome)
        self.categories = {c.code: c for c in Category.objects.all()}
        self.suppliers = self._suppliers()
        through = Supplier.categories.through
        through.objects.bulk_create([through(supplier_id=self.suppliers[s.code].pk, category_id=self.categories[c].pk)
                                     for s in self.plan.suppliers for c in s.categories])
        links = [SupplyLink(upstream=self.suppliers[code], downstream=self.suppliers[s.code], material=material)
                 for s in self.plan.suppliers for code, material in s.upstream]
        SupplyLink.objects.bulk_create(links)
        ages = {s.code: s.age for s in self.plan.suppliers}
        for link in links:
            newest = min(ages[link.upstream.code], ages[link.downstream.code])
            self.event(self.day(self.rng.randint(1, max(1, newest))), self.users["procurement"], "link.added", link,
                       link.downstream, {"upstream": [None, str(link.upstream)], "material": [None, link.material]})
        self._contacts_and_sites()
        self._lifecycle()
        self._documents()
        self._portal_users(outcome)
        self._change_requests()
        self.event(self.now, None, DEMO_MARKER, self.users["admin"], None, {"seed": [None, self.plan.seed]},
                   "Demo data set loaded by supplyesg load_demo.")
        AuditEvent.objects.bulk_create(self.events, batch_size=1000)
        outcome.counts = {
            "suppliers": len(self.suppliers), "countries": len({s.country for s in self.plan.suppliers}),
            "links": len(links), "audit events": len(self.events),
        }
        return outcome

    def _users(self, outcome) -> dict[str, User]:
        self.password = password = make_password(PASSWORD)
        users = {}
        for username, role, first, last in USERS:
            if role == Role.SUPPLIER:
                continue
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(username=username, role=role, first_name=first, last_name=last, password=password,
                                           email=f"{username}@demo.supplyesg.example", is_staff=role == Role.ADMIN,
                                           is_superuser=role == Role.ADMIN)
            users[username] = user
            outcome.users.append((username, user.get_role_display(), ""))
        return users

    def _suppliers(self) -> dict:
        from supplyesg.suppliers.models import Supplier

        rows = [Supplier(
            code=s.code, legal_name=s.legal_name, local_name=s.local_name, aliases=s.aliases, registration_id=s.registration_id,
            registration_authority=s.registration_authority, country=s.country, address=s.address, website=s.website,
            tier=s.tier, is_key=s.is_key, spend_share=s.spend_share, status=s.status, created_at=self.day(s.age, 9),
            status_changed_at=self.day(s.age, 9), created_by=self.users["procurement"],
        ) for s in self.plan.suppliers]
        Supplier.objects.bulk_create(rows, batch_size=500)
        suppliers = {s.code: s for s in Supplier.objects.filter(code__in=[r.code for r in rows])}
        for plan in self.plan.suppliers:
            supplier = suppliers[plan.code]
            self.event(supplier.created_at, self.users["procurement"], "supplier.created", supplier, supplier, {
                "code": [None, plan.code], "legal_name": [None, plan.legal_name], "country": [None, plan.country],
                "tier": [None, plan.tier], "categories": [None, sorted(self.categories[c].name for c in plan.categories)],
            })
        return suppliers

    def _contacts_and_sites(self) -> None:
        from supplyesg.suppliers.models import Contact, Site

        contacts, sites = [], []
        for plan in self.plan.suppliers:
            supplier = self.suppliers[plan.code]
            contacts += [Contact(supplier=supplier, name=n, title=t, email=e, phone=p, is_primary=pr, is_authorised_signatory=sg)
                         for n, t, e, p, pr, sg in plan.contacts]
            sites += [Site(supplier=supplier, name=n, kind=k, country=plan.country, address=a) for n, k, a in plan.sites]
        Contact.objects.bulk_create(contacts, batch_size=1000)
        Site.objects.bulk_create(sites, batch_size=1000)

    def _lifecycle(self) -> None:
        """Checklists, certifications, agreements, exits and bans, with the status history of each supplier."""
        from supplyesg.suppliers.models import (
            AgreementType,
            BlacklistEntry,
            Certification,
            ExitRecord,
            QualificationItem,
            Supplier,
        )

        rng, compliance, procurement = self.rng, self.users["compliance"], self.users["procurement"]
        agreement_types = list(AgreementType.objects.all())
        required_by_category = {c["code"]: set(c.get("required_agreements", [])) for c in self.plan.reference["categories"]}
        items, certifications, signatures, exits, bans = [], [], [], [], []
        blacklist_reasons = list(BlacklistEntry.Reason.values)
        approved_path = ("qualified", "active", "conditional", "suspended", "exited", "blacklisted")
        for n, plan in enumerate(self.plan.suppliers):
            supplier, status, age = self.suppliers[plan.code], plan.status, plan.age
            steps = []  # (days ago, action, old, new, reason, actor)
            if status != "prospect":
                steps.append((age - 2, "supplier.qualification_started", "prospect", "qualification", "", procurement))
                reviewed = len(QualificationItem.Kind.values) if status != "qualification" else rng.randint(2, 7)
                for index, kind in enumerate(QualificationItem.Kind.values):
                    optional = kind in QualificationItem.OPTIONAL_KINDS
                    verdict = "pending" if index >= reviewed else ("na" if optional and plan.kind == "mine" else "pass")
                    items.append(QualificationItem(
                        supplier=supplier, kind=kind, verdict=verdict,
                        evidence_note="" if verdict == "pending" and index > reviewed + 1 else "Checked against the documents.",
                        reviewer=compliance if verdict != "pending" else None,
                        reviewed_at=self.day(age - 3) if verdict != "pending" else None,
                        comment="Small mining site: no management-system certificate." if verdict == "na" else "",
                    ))
            if status == "certification" or status in approved_path:
                steps.append((age - 12, "supplier.qualification_passed", "qualification", "certification", "", compliance))
                done = status in approved_path or n % 2 == 0
                if done:
                    certifications.append(Certification(supplier=supplier, kind="system", verdict="pass", reviewer=compliance,
                                                        certified_on=self.today - timedelta(days=age - 20),
                                                        note="Quality, environment and OHS systems audited on site."))
                    for category in plan.categories if status in approved_path else []:
                        certifications.append(Certification(supplier=supplier, kind="material", verdict="pass",
                                                            reviewer=compliance, category=self.categories[category],
                                                            certified_on=self.today - timedelta(days=age - 25)))
                required = {t.code for t in agreement_types if t.required_for_all}
                for category in plan.categories:
                    required |= required_by_category.get(category, set())
                if status in approved_path or n % 3 == 0:
                    for agreement_type in agreement_types:
                        if agreement_type.code in required:
                            signatures.append((plan, agreement_type, age - 28))
            if status in approved_path:
                steps.append((age - 30, "supplier.approved", "certification", "qualified", "", compliance))
            if status in ("active", "conditional", "suspended", "exited", "blacklisted"):
                steps.append((age - 35, "supplier.activated", "qualified", "active", "", procurement))
            late = rng.randint(3, max(4, min(age - 40, 240)))
            if status == "conditional":
                steps.append((late, "supplier.made_conditional", "active", "conditional", rng.choice(CONDITIONAL_REASONS),
                              compliance))
            if status == "suspended":
                steps.append((late, "supplier.suspended", "active", "suspended", rng.choice(SUSPENDED_REASONS), compliance))
            if status == "exited":
                reason, open_items, note = EXIT_REASONS[n % len(EXIT_REASONS)]
                steps.append((late, "supplier.exited", "active", "exited", reason, compliance))
                exits.append(ExitRecord(supplier=supplier, reason=reason, exit_date=self.today - timedelta(days=late),
                                        open_items=open_items, open_items_note=note, decided_by=compliance,
                                        decided_at=self.day(late)))
            if status == "blacklisted":
                reason = blacklist_reasons[len(bans) % len(blacklist_reasons)]
                permanent = len(bans) % 2 == 0
                until = None if permanent else self.today + timedelta(days=rng.randint(60, 700))
                bans.append(BlacklistEntry(
                    supplier=supplier, legal_name=plan.legal_name, registration_id=plan.registration_id, country=plan.country,
                    reason=reason, details=BLACKLIST_DETAILS[reason], permanent=permanent, until=until, status_before="active",
                    decided_by=compliance, decided_at=self.day(late),
                ))
                steps.append((late, "supplier.blacklisted", "active", "blacklisted", BLACKLIST_DETAILS[reason], compliance))
            for days_ago, action, old, new, reason, actor in steps:
                changes = {"status": [old, new]}
                if action == "supplier.blacklisted":
                    changes.update({"blacklist_reason": [None, bans[-1].reason],
                                    "until": [None, "permanent" if bans[-1].permanent else bans[-1].until.isoformat()]})
                self.event(self.day(max(days_ago, 1)), actor, action, supplier, supplier, changes, reason)
            if steps:
                supplier.status_changed_at = self.day(max(steps[-1][0], 1))
        QualificationItem.objects.bulk_create(items, batch_size=1000)
        Certification.objects.bulk_create(certifications, batch_size=1000)
        ExitRecord.objects.bulk_create(exits)
        BlacklistEntry.objects.bulk_create(bans)
        for record in exits:
            changes = {"exit_date": [None, record.exit_date.isoformat()], "open_items": [None, record.open_items]}
            self.event(record.decided_at, compliance, "supplier.exit_recorded", record, record.supplier, changes, record.reason)
        for certification in certifications:
            self.event(self.day((self.today - certification.certified_on).days), compliance, "certification.recorded",
                       certification, certification.supplier,
                       {"kind": [None, certification.kind], "verdict": [None, certification.verdict],
                        "category": [None, str(certification.category) if certification.category else None]})
        Supplier.objects.bulk_update(list(self.suppliers.values()), ["status_changed_at"], batch_size=500)
        self.pending_signatures = signatures
        self.exit_days = {r.supplier_id: (self.today - r.exit_date).days for r in exits}

    def _documents(self) -> None:
        from supplyesg.suppliers.models import Document

        documents = []
        for plan in self.plan.suppliers:
            supplier = self.suppliers[plan.code]
            for doc_type, title, issued_ago, expires_in in plan.documents:
                name = default_storage.save(f"suppliers/{supplier.pk}/demo-{doc_type}-{len(documents)}.pdf",
                                            ContentFile(pdf_bytes(f"{plan.code} {title}")))
                documents.append(Document(
                    supplier=supplier, doc_type=doc_type, title=title, file=name, original_name=f"{slug(title)}.pdf",
                    content_type="application/pdf", issue_date=self.today - timedelta(days=issued_ago),
                    expiry_date=self.today + timedelta(days=expires_in) if expires_in is not None else None,
                    uploaded_by=self.users["procurement"], uploaded_at=self.day(max(1, min(issued_ago, plan.age) - 1)),
                ))
        Document.objects.bulk_create(documents, batch_size=1000)
        for document in documents:
            self.event(document.uploaded_at, self.users["procurement"], "document.uploaded", document, document.supplier, {
                "type": [None, document.doc_type], "title": [None, document.title],
                "issue_date": [None, document.issue_date.isoformat()],
                "expiry_date": [None, document.expiry_date.isoformat() if document.expiry_date else None],
            })

    def _portal_users(self, outcome) -> None:
        from supplyesg.suppliers.models import SignedAgreement

        password = self.password
        active_cn = [s for s in self.plan.suppliers if s.status == "active" and s.tier == 1 and s.country == "CN"]
        bound = {}
        for (username, role, _first, _last), plan in zip(USERS[5:], active_cn[:2], strict=True):
            supplier = self.suppliers[plan.code]
            user = User.objects.filter(username=username).first()
            if user is None:
                first, _space, last = plan.contacts[0][0].partition(" ")
                user = User.objects.create(username=username, role=role, supplier=supplier, password=password, first_name=first,
                                           last_name=last, email=f"{username}@demo.supplyesg.example")
            bound[plan.code] = user
            outcome.users.append((username, user.get_role_display(), f"{supplier.code} {supplier.legal_name}"))
        self.portal_users = bound
        signed = []
        for plan, agreement_type, days_ago in self.pending_signatures:
            supplier = self.suppliers[plan.code]
            user = bound.get(plan.code)
            signer, title = plan.contacts[0][0], plan.contacts[0][1]
            snapshot = f"{agreement_type.name} {agreement_type.version}\n\n{agreement_type.body}"
            if agreement_type.body_zh:
                snapshot += f"\n\n{agreement_type.name_zh}\n\n{agreement_type.body_zh}"
            scan = "" if user else default_storage.save(
                f"suppliers/{supplier.pk}/demo-signed-{agreement_type.code}.pdf",
                ContentFile(pdf_bytes(f"{plan.code} {agreement_type.name} - signed by {signer}")))
            exited = self.exit_days.get(supplier.pk)
            signed.append(SignedAgreement(
                supplier=supplier, agreement_type=agreement_type, method="portal" if user else "scan",
                version=agreement_type.version, text_snapshot=snapshot, text_hash=hashlib.sha256(snapshot.encode()).hexdigest(),
                signer_name=signer, signer_title=title, signed_at=self.day(max(days_ago, 2)),
                signed_by_user=user or self.users["procurement"], scan=scan,
                revoked_at=self.day(exited) if exited is not None else None,
            ))
        SignedAgreement.objects.bulk_create(signed, batch_size=1000)
        for signature in signed:
            actor = signature.signed_by_user
            self.event(signature.signed_at, actor, "agreement.signed", signature, signature.supplier, {
                "agreement": [None, signature.agreement_type.code], "version": [None, signature.version],
                "method": [None, signature.method], "signer": [None, f"{signature.signer_name}, {signature.signer_title}"],
            })

    def _change_requests(self) -> None:
        from supplyesg.suppliers.models import ProfileChangeRequest

        requests = []  # one pending proposal from each supplier user
        for code, user in self.portal_users.items():
            supplier = self.suppliers[code]
            changes = {"address": supplier.address.replace("No. ", "Building 2, No. "),
                       "website": supplier.website.replace("www.", "en.")}
            requests.append(ProfileChangeRequest(supplier=supplier, changes=changes, submitted_by=user, submitted_at=self.day(2)))
        ProfileChangeRequest.objects.bulk_create(requests)
        for request in requests:
            self.event(request.submitted_at, request.submitted_by, "profile_change.requested", request, request.supplier,
                       {k: [getattr(request.supplier, k), v] for k, v in request.changes.items()})
