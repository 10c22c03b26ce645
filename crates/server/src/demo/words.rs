//! The words demo data is made of, in English and Simplified Chinese.

/// English given names.
pub const GIVEN_EN: &[&str] = &[
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Sophia",
    "Mason",
    "Isabella",
    "Lucas",
    "Mia",
    "James",
    "Charlotte",
    "Benjamin",
    "Amelia",
    "Henry",
    "Harper",
    "Daniel",
    "Grace",
    "Samuel",
];
/// English family names.
pub const FAMILY_EN: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts",
    "Walker", "Wright", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
];
/// Chinese family names.
pub const FAMILY_ZH: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
/// Chinese given names.
pub const GIVEN_ZH: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明",
    "超", "秀英", "建华", "晓燕", "志强", "海燕",
];
/// Customers' companies.
pub const ORGANISATIONS: &[&str] = &[
    "Northwind Traders",
    "Contoso Ltd",
    "Fabrikam Inc",
    "Blue Yonder Airlines",
    "Tailspin Toys",
    "上海华信贸易有限公司",
    "深圳市创维电子有限公司",
    "北京远景科技有限公司",
    "杭州青禾餐饮管理有限公司",
    "广州南方物流有限公司",
];
/// Products the demo business sells and supports.
pub const PRODUCTS_EN: &[&str] = &[
    "X200 laptop",
    "S9 smartphone",
    "ProLink router",
    "AirPure 3 purifier",
    "HomeCam 2",
    "POS terminal T5",
    "Barcode scanner B1",
    "Label printer L40",
    "Espresso machine E7",
    "Solar inverter 5kW",
];
/// The same kinds of products, named in Chinese.
pub const PRODUCTS_ZH: &[&str] = &[
    "X200 笔记本电脑",
    "S9 手机",
    "ProLink 路由器",
    "AirPure 3 空气净化器",
    "HomeCam 2 摄像头",
    "T5 收银机",
    "B1 扫码枪",
    "L40 标签打印机",
    "E7 咖啡机",
    "5kW 光伏逆变器",
];
/// Subjects before a sale; `{p}` is a product.
pub const PRE_SALE_EN: &[&str] = &[
    "Quote for 20 units of {p}",
    "Does the {p} support Wi-Fi 6?",
    "Volume discount on the {p}?",
    "Is the {p} available in black?",
    "Compare {p} with last year's model",
];
/// Subjects before a sale, in Chinese.
pub const PRE_SALE_ZH: &[&str] = &[
    "{p} 批量采购报价",
    "{p} 支持 5G 吗？",
    "请问 {p} 有现货吗",
    "{p} 能开增值税专用发票吗",
    "{p} 和旧款有什么区别",
];
/// Subjects during a sale; `{n}` is an order number.
pub const IN_SALE_EN: &[&str] = &[
    "Order {n} has not shipped yet",
    "Payment failed for order {n}",
    "Change the delivery address of order {n}",
    "Invoice needed for order {n}",
    "Can I add an item to order {n}?",
];
/// Subjects during a sale, in Chinese.
pub const IN_SALE_ZH: &[&str] = &[
    "订单 {n} 还没有发货",
    "订单 {n} 付款失败",
    "修改订单 {n} 的收货地址",
    "订单 {n} 需要开发票",
    "物流信息一直没有更新（订单 {n}）",
];
/// Subjects after a sale.
pub const AFTER_SALE_EN: &[&str] = &[
    "Return request for {p}",
    "{p} screen cracked, warranty claim",
    "Installation visit for {p}",
    "{p} keeps restarting after the update",
    "Training session for new staff on the {p}",
    "Preventive maintenance for {p}",
    "Refund for a damaged {p}",
];
/// Subjects after a sale, in Chinese.
pub const AFTER_SALE_ZH: &[&str] = &[
    "{p} 申请退货",
    "{p} 屏幕碎了，申请保修",
    "预约 {p} 上门安装",
    "{p} 升级后一直重启",
    "新员工 {p} 使用培训",
    "{p} 定期维护保养",
    "{p} 收到时已损坏，申请退款",
];
/// What customers write first.
pub const CUSTOMER_FIRST_EN: &[&str] = &[
    "Hello, could you help me with this? I need an answer by the end of the week.",
    "Hi team, this is the second time I am writing about this. Please advise.",
    "Good morning. Details are below; my order reference is in the subject.",
    "Could someone call me back? I am available after 2 pm.",
];
/// What customers write first, in Chinese.
pub const CUSTOMER_FIRST_ZH: &[&str] = &[
    "你好，麻烦尽快帮我处理一下，谢谢！",
    "您好，我已经等了三天了，请问什么时候能解决？",
    "你好，具体情况如下，订单号在标题里。",
    "请下午两点以后给我回电话，谢谢。",
];
/// What agents answer.
pub const AGENT_REPLY_EN: &[&str] = &[
    "Thanks for reaching out. I have checked with the warehouse and will update you today.",
    "I am sorry for the trouble. I have arranged a replacement; you will get a tracking number.",
    "Could you send us a photo of the serial number label, please?",
    "Your refund has been approved and will reach your account in 3–5 business days.",
];
/// What agents answer, in Chinese.
pub const AGENT_REPLY_ZH: &[&str] = &[
    "您好，已经帮您联系仓库，今天内给您回复。",
    "非常抱歉给您带来不便，已为您安排换货，稍后会发送物流单号。",
    "麻烦您拍一张机身序列号标签的照片发给我们。",
    "您的退款已审核通过，将在 3–5 个工作日内退回原账户。",
];
/// Internal notes.
pub const NOTES: &[&str] = &[
    "Checked the order in the ERP: paid, waiting for stock.",
    "Escalate to the vendor if the firmware fix does not help.",
    "客户是老客户，可以优先处理。",
    "已和仓库确认，明天上午发货。",
];
/// Tags.
pub const TAGS: &[&str] = &[
    "vip",
    "refund",
    "warranty",
    "invoice",
    "installation",
    "training",
    "bug",
    "退货",
    "发票",
    "加急",
];
