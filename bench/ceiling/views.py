"""The practical ceiling of order intake (issue 14, decision 0049): the leanest DRF view of the
transaction `POST /api/v1/orders/` with `submit: true` performs, on O2C's own tables.

Token authentication, the same JSON body parsed by a plain DRF serializer, then one transaction:
lock the customer, read the products, lock the stock rows in product order, create the order
and its lines with what they reserve, reserve, write a stock move per reserved line and one
timeline row, commit, answer 201 with the order built from memory. About a dozen statements.

What it leaves out, and O2C does not: the credit check and its decision row, gapless order
numbers (the ceiling numbers orders by a UUID), idempotency keys, pghistory's context on every
statement (bench.ceiling.middleware), domain events and their webhook/e-mail outbox rows, the
parsing rules of o2c/parsing.py, role checks, and re-reading the order for the answer. O2C itself
writes no stock move when it reserves; the issue's ceiling does (kind `adjustment`, reference
`bench ceiling`), so the ceiling carries one statement O2C does not.

Not part of the product: bench.settings alone installs it and routes `/bench/ceiling/orders/`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Product, StockLevel, StockMove
from o2c import locks
from o2c.money import line_amounts
from orders.models import OrderEvent, SalesOrder, SalesOrderLine


class LineIn(serializers.Serializer):
    product = serializers.IntegerField(min_value=1)
    quantity = serializers.DecimalField(max_digits=15, decimal_places=3, min_value=Decimal("0.001"))


class OrderIn(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1)
    warehouse = serializers.IntegerField(min_value=1)
    lines = LineIn(many=True, allow_empty=False, max_length=500)
    customer_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(required=False, default=False)


class CeilingOrderView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        body = OrderIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        wanted = data["lines"]
        with transaction.atomic():
            customer = locks.customer_lock(customer_id=data["customer"])
            products = {
                row["pk"]: row
                for row in Product.objects.filter(pk__in={line["product"] for line in wanted}).values(
                    "pk", "name", "kind", "unit_price", "tax_rate"
                )
            }
            if len(products) != len({line["product"] for line in wanted}):
                return Response({"lines": ["unknown product"], "code": "not_found"}, status=400)
            now = timezone.now()
            order = SalesOrder(
                number=f"C{uuid.uuid4().hex[:24]}",
                customer_id=customer.pk,
                warehouse_id=data["warehouse"],
                currency=customer.currency,
                order_date=now.date(),
                customer_reference=data["customer_reference"],
                status=SalesOrder.Status.OPEN,
                submitted_at=now,
                created_by=request.user,
            )
            lines = []
            for position, line in enumerate(wanted, start=1):
                product = products[line["product"]]
                amounts = line_amounts(
                    quantity=line["quantity"],
                    unit_price=product["unit_price"],
                    discount_percent=Decimal(0),
                    tax_rate=product["tax_rate"],
                    currency=customer.currency,
                )
                lines.append(
                    SalesOrderLine(
                        position=position,
                        product_id=product["pk"],
                        description=product["name"],
                        is_stock=product["kind"] == Product.Kind.STOCK,
                        quantity=line["quantity"],
                        unit_price=product["unit_price"],
                        tax_rate=product["tax_rate"],
                        net_amount=amounts.net,
                        tax_amount=amounts.tax,
                        total_amount=amounts.total,
                    )
                )
            order.net_total = sum((line.net_amount for line in lines), Decimal(0))
            order.tax_total = sum((line.tax_amount for line in lines), Decimal(0))
            order.total = order.net_total + order.tax_total
            stock_lines = [line for line in lines if line.is_stock]
            levels: dict[int, StockLevel] = (
                locks.stock_levels_lock(
                    product_ids=sorted({line.product_id for line in stock_lines}),
                    warehouse_id=data["warehouse"],
                )
                if stock_lines
                else {}
            )
            reserved: dict[int, Decimal] = {}
            moves = []
            for line in stock_lines:
                level = levels.get(line.product_id)
                available = max(level.on_hand - level.reserved, Decimal(0)) if level else Decimal(0)
                line.quantity_reserved = min(available, line.quantity)
                line.quantity_backordered = line.quantity - line.quantity_reserved
                if level and line.quantity_reserved > 0:
                    level.reserved += line.quantity_reserved
                    reserved[level.pk] = reserved.get(level.pk, Decimal(0)) + line.quantity_reserved
                    moves.append(
                        StockMove(
                            product_id=line.product_id,
                            warehouse_id=data["warehouse"],
                            kind=StockMove.Kind.ADJUSTMENT,
                            quantity=-line.quantity_reserved,
                            reference="bench ceiling",
                            created_by=request.user,
                        )
                    )
            order.fulfillment_status = (
                SalesOrder.Fulfillment.ALLOCATED
                if all(line.quantity_backordered == 0 for line in stock_lines)
                else SalesOrder.Fulfillment.PARTIALLY_ALLOCATED
            )
            order.save(force_insert=True)
            for line in lines:
                line.order_id = order.pk
            SalesOrderLine.objects.bulk_create(lines)
            for level_id, quantity in reserved.items():
                StockLevel.objects.filter(pk=level_id).update(reserved=F("reserved") + quantity)
            StockMove.objects.bulk_create(moves)
            OrderEvent.objects.create(
                order=order, actor=request.user, event="submitted", from_status="draft", to_status="open"
            )
        return Response(
            {
                "id": order.pk,
                "number": order.number,
                "customer": customer.pk,
                "status": order.status,
                "fulfillment_status": order.fulfillment_status,
                "currency": order.currency,
                "net_total": str(order.net_total),
                "tax_total": str(order.tax_total),
                "total": str(order.total),
                "lines": [
                    {
                        "id": line.pk,
                        "position": line.position,
                        "product": line.product_id,
                        "quantity": str(line.quantity),
                        "unit_price": str(line.unit_price),
                        "total_amount": str(line.total_amount),
                        "quantity_reserved": str(line.quantity_reserved),
                    }
                    for line in lines
                ],
            },
            status=status.HTTP_201_CREATED,
        )
