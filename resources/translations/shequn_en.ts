<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AttentionDialog</name>
    <message>
        <source>需要处理</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <source>共 {count} 项。双击一行查看该社群。</source>
        <translation>{count} item(s). Double-click a row to open that community.</translation>
    </message>
    <message>
        <source>没有需要处理的事项：二维码都在有效期内，各群人数也没有接近上限。</source>
        <translation>Nothing needs attention: every QR code is valid and no group is near its cap.</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>BackupActions</name>
    <message>
        <source>团队数据库由服务器管理员负责备份</source>
        <translation>A shared team database is backed up by its server&apos;s administrator</translation>
    </message>
    <message>
        <source>正在进行每日备份…</source>
        <translation>Making the daily backup…</translation>
    </message>
    <message>
        <source>备份数据库</source>
        <translation>Back Up Database</translation>
    </message>
    <message>
        <source>数据库备份 (*.db)</source>
        <translation>Database backups (*.db)</translation>
    </message>
    <message>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <source>已备份到 {path}</source>
        <translation>Backed up to {path}</translation>
    </message>
    <message>
        <source>恢复备份</source>
        <translation>Restore Backup</translation>
    </message>
    <message>
        <source>用「{name}」替换当前数据？
当前数据会先另存为一份备份，可以再恢复回来。</source>
        <translation>Replace the current data with “{name}”?
The current data is saved as a backup first, so you can restore it again.</translation>
    </message>
    <message>
        <source>正在恢复备份…</source>
        <translation>Restoring the backup…</translation>
    </message>
    <message>
        <source>已恢复备份</source>
        <translation>Backup restored</translation>
    </message>
</context>
<context>
    <name>CommunitiesModel</name>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>{label} +{n}</source>
        <translation>{label} +{n}</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>CommunitiesTab</name>
    <message>
        <source>社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>二维码即将过期、已过期，或人数接近上限的群</source>
        <translation>Groups whose QR code is expiring or expired, or that are near a cap</translation>
    </message>
    <message>
        <source>回收站</source>
        <translation>Trash</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>知道了</source>
        <translation>Dismiss</translation>
    </message>
    <message>
        <source>搜索名称、标签或拼音首字母</source>
        <translation>Search name, tag or pinyin initials</translation>
    </message>
    <message>
        <source>显示已归档</source>
        <translation>Show archived</translation>
    </message>
    <message>
        <source>新建…</source>
        <translation>New…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <source>删除…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>还没有社群。点「新建…」添加第一个群。</source>
        <translation>No communities yet. Click “New…” to add your first group.</translation>
    </message>
    <message>
        <source>需要处理 {count}</source>
        <translation>Needs attention {count}</translation>
    </message>
    <message>
        <source>需要处理</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <source>取消归档</source>
        <translation>Unarchive</translation>
    </message>
    <message>
        <source>请稍候…</source>
        <translation>Please wait…</translation>
    </message>
    <message>
        <source>已归档「{name}」：不再出现在列表和提醒里，勾选「显示已归档」可找回。</source>
        <translation>Archived “{name}”: it leaves the list and the reminders; tick “Show archived” to find it again.</translation>
    </message>
    <message>
        <source>已取消归档「{name}」。</source>
        <translation>“{name}” is no longer archived.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>「{name}」里没有任何成员记录，删除后不能恢复。确定删除？</source>
        <translation>“{name}” has no member records. It will be deleted and cannot be restored. Delete it?</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>「{name}」有 {members} 名成员和入群历史。删除后移到回收站，成员记录都会保留，可以随时恢复。</source>
        <translation>“{name}” has {members} members and a join history. It will be moved to the trash with all its records kept, and can be restored at any time.</translation>
    </message>
    <message>
        <source>移到回收站</source>
        <translation>Move to trash</translation>
    </message>
    <message>
        <source>删除社群</source>
        <translation>Delete community</translation>
    </message>
    <message>
        <source>「{name}」已移到回收站。</source>
        <translation>“{name}” was moved to the trash.</translation>
    </message>
    <message>
        <source>已删除「{name}」。</source>
        <translation>Deleted “{name}”.</translation>
    </message>
    <message>
        <source>正在删除…</source>
        <translation>Deleting…</translation>
    </message>
    <message>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
</context>
<context>
    <name>CommunityDetail</name>
    <message>
        <source>选择左边的一个社群，查看人数、活跃度、增长和群二维码。</source>
        <translation>Choose a community on the left to see its members, activity, growth and QR code.</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>近 7 天活跃</source>
        <translation>Active, 7 days</translation>
    </message>
    <message>
        <source>近 30 天活跃</source>
        <translation>Active, 30 days</translation>
    </message>
    <message>
        <source>成员增长（近 52 周，每周末人数）</source>
        <translation>Growth (members at each week&apos;s end, last 52 weeks)</translation>
    </message>
    <message>
        <source>角色结构</source>
        <translation>Role mix</translation>
    </message>
    <message>
        <source>群主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>Admins</translation>
    </message>
    <message>
        <source>目标人群</source>
        <translation>Target audience</translation>
    </message>
    <message>
        <source>群规</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>建群于 {date}</source>
        <translation>created {date}</translation>
    </message>
    <message>
        <source>标签：{tags}</source>
        <translation>tags: {tags}</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>入群 / 退群</source>
        <translation>joined / left</translation>
    </message>
    <message>
        <source>不含员工</source>
        <translation>staff excluded</translation>
    </message>
    <message>
        <source>{active} / {base} 人</source>
        <translation>{active} of {base}</translation>
    </message>
    <message>
        <source>含员工</source>
        <translation>staff included</translation>
    </message>
    <message>
        <source>未设置</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source> 等 {count} 人</source>
        <translation> ({count} in all)</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>未填写</source>
        <translation>Not filled in</translation>
    </message>
</context>
<context>
    <name>CommunityDialog</name>
    <message>
        <source>新建社群</source>
        <translation>New community</translation>
    </message>
    <message>
        <source>编辑社群</source>
        <translation>Edit community</translation>
    </message>
    <message>
        <source>例如：麦香烘焙福利1群</source>
        <translation>e.g. Bakery perks group 1</translation>
    </message>
    <message>
        <source>这个群为什么存在，例如：新品试吃与会员福利</source>
        <translation>Why this group exists, e.g. tastings and member perks</translation>
    </message>
    <message>
        <source>例如：附近 3 公里的宝妈</source>
        <translation>e.g. parents living within 3 km</translation>
    </message>
    <message>
        <source>群规，每条一行</source>
        <translation>Group rules, one per line</translation>
    </message>
    <message>
        <source>按平台默认</source>
        <translation>Platform default</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source>扫码进群上限</source>
        <translation>Scan-in cap</translation>
    </message>
    <message>
        <source>用逗号、顿号或空格分隔</source>
        <translation>Separate with commas or spaces</translation>
    </message>
    <message>
        <source>在这个群的现有成员里查找（员工排在前面）</source>
        <translation>Search among the group&apos;s current members (staff first)</translation>
    </message>
    <message>
        <source>可从所有成员里选择（员工排在前面）</source>
        <translation>Choose from all members (staff first)</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>定位/主题</source>
        <translation>Theme</translation>
    </message>
    <message>
        <source>目标人群</source>
        <translation>Target audience</translation>
    </message>
    <message>
        <source>群规</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>群人数上限</source>
        <translation>Member cap</translation>
    </message>
    <message>
        <source>二维码有效期</source>
        <translation>QR code validity</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>建群日期</source>
        <translation>Created on</translation>
    </message>
    <message>
        <source>群主</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>请选择群主</source>
        <translation>Choose the owner</translation>
    </message>
    <message>
        <source>请从下拉列表中选择群主，或清空群主一栏。</source>
        <translation>Pick the owner from the drop-down list, or clear the owner field.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>不过期</source>
        <translation>no expiry</translation>
    </message>
    <message>
        <source>{days} 天</source>
        <translation>{days} days</translation>
    </message>
    <message>
        <source>平台默认：微信群 {wechat}，企业微信群 {wecom}</source>
        <translation>Platform default: WeChat {wechat}, WeCom {wecom}</translation>
    </message>
</context>
<context>
    <name>GrowthChart</name>
    <message>
        <source>选择一个社群查看成员增长</source>
        <translation>Choose a community to see its growth</translation>
    </message>
    <message>
        <source>M月d日</source>
        <translation>MMM d</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>社群运营工作台</source>
        <translation>Community Workbench</translation>
    </message>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>备份数据库(&amp;B)…</source>
        <translation>&amp;Back Up Database…</translation>
    </message>
    <message>
        <source>恢复备份(&amp;R)…</source>
        <translation>&amp;Restore Backup…</translation>
    </message>
    <message>
        <source>打开数据文件夹</source>
        <translation>Open Data Folder</translation>
    </message>
    <message>
        <source>设置(&amp;S)…</source>
        <translation>&amp;Settings…</translation>
    </message>
    <message>
        <source>退出(&amp;Q)</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>数据(&amp;D)</source>
        <translation>&amp;Data</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate Demo Data…</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>打开日志文件夹</source>
        <translation>Open Log Folder</translation>
    </message>
    <message>
        <source>关于(&amp;A)</source>
        <translation>&amp;About</translation>
    </message>
    <message>
        <source>{communities} 个社群 · {members} 名成员</source>
        <translation>{communities} communities · {members} members</translation>
    </message>
    <message>
        <source>欢迎使用社群运营工作台</source>
        <translation>Welcome to Community Workbench</translation>
    </message>
    <message>
        <source>数据库还是空的。要先生成一批演示数据（社群、成员和一年的行为记录）来熟悉功能吗？

演示数据随时可以在新的数据库里重新生成，不会影响以后导入的真实名单。</source>
        <translation>The database is empty. Generate some demo data (communities, members and a year of activity) to get to know the program?

Demo data can be generated again in a new database at any time; it does not affect the real member lists you import later.</translation>
    </message>
    <message>
        <source>生成演示数据</source>
        <translation>Generate Demo Data</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation>Not Now</translation>
    </message>
    <message>
        <source>成员数（演示数据只能填入空数据库）：</source>
        <translation>Members (demo data only goes into an empty database):</translation>
    </message>
    <message>
        <source>已生成 {members} 名成员、{events} 条行为记录</source>
        <translation>Generated {members} members and {events} activity records</translation>
    </message>
    <message>
        <source>正在生成演示数据…</source>
        <translation>Generating demo data…</translation>
    </message>
    <message>
        <source>关于社群运营工作台</source>
        <translation>About Community Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;社群运营工作台 {version}&lt;/h3&gt;&lt;p&gt;社群与成员、分层、积分、海报与报表。数据只保存在本机，不会上传。&lt;/p&gt;&lt;p&gt;数据库：{database}&lt;br&gt;数据文件夹：{data}&lt;br&gt;日志：{log}&lt;/p&gt;&lt;p&gt;内置字体 Noto Sans SC，SIL Open Font License 1.1。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Community Workbench {version}&lt;/h3&gt;&lt;p&gt;Communities and members, tiers, points, posters and reports. Your data stays on this computer and is never uploaded.&lt;/p&gt;&lt;p&gt;Database: {database}&lt;br&gt;Data folder: {data}&lt;br&gt;Log: {log}&lt;/p&gt;&lt;p&gt;Bundled font Noto Sans SC, SIL Open Font License 1.1.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>近 30 天活跃成员</source>
        <translation>Active members, last 30 days</translation>
    </message>
    <message>
        <source>近 7 天新入群</source>
        <translation>Joined, last 7 days</translation>
    </message>
    <message>
        <source>行为记录</source>
        <translation>Activity records</translation>
    </message>
    <message>
        <source>数据库还是空的。可以先生成一些演示数据，熟悉各项功能后再导入自己的成员名单。</source>
        <translation>The database is empty. Generate some demo data to try things out, then import your own member lists.</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate Demo Data…</translation>
    </message>
</context>
<context>
    <name>OwnerPicker</name>
    <message>
        <source>输入昵称、备注名或拼音首字母，从列表中选择</source>
        <translation>Type a nickname, remark or pinyin initials, then pick from the list</translation>
    </message>
</context>
<context>
    <name>QrPanel</name>
    <message>
        <source>群二维码</source>
        <translation>Group QR code</translation>
    </message>
    <message>
        <source>未添加

可拖入图片</source>
        <translation>None

Drop an image here</translation>
    </message>
    <message>
        <source>在微信里生成这张二维码的日期，有效期从这天算起</source>
        <translation>The day this code was generated in WeChat; its validity counts from then</translation>
    </message>
    <message>
        <source>生成日期</source>
        <translation>Generated on</translation>
    </message>
    <message>
        <source>从文件添加…</source>
        <translation>From file…</translation>
    </message>
    <message>
        <source>粘贴</source>
        <translation>Paste</translation>
    </message>
    <message>
        <source>粘贴剪贴板里的二维码截图</source>
        <translation>Paste a QR code screenshot from the clipboard</translation>
    </message>
    <message>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>未添加群二维码</source>
        <translation>No group QR code</translation>
    </message>
    <message>
        <source>从文件添加、粘贴截图，或把图片拖到这里</source>
        <translation>Add from a file, paste a screenshot, or drop an image here</translation>
    </message>
    <message>
        <source>点击查看大图</source>
        <translation>Click to enlarge</translation>
    </message>
    <message>
        <source>此平台的群二维码不会过期</source>
        <translation>Group QR codes on this platform do not expire</translation>
    </message>
    <message>
        <source>{date}前有效（共 {days} 天）</source>
        <translation>Valid until {date} ({days} days)</translation>
    </message>
    <message>
        <source>选择群二维码图片</source>
        <translation>Choose the group QR code image</translation>
    </message>
    <message>
        <source>图片 (*.png *.jpg *.jpeg *.gif *.bmp *.webp);;所有文件 (*)</source>
        <translation>Images (*.png *.jpg *.jpeg *.gif *.bmp *.webp);;All files (*)</translation>
    </message>
    <message>
        <source>剪贴板里没有图片</source>
        <translation>No image on the clipboard</translation>
    </message>
    <message>
        <source>请先在微信里打开群二维码，截图或复制图片后再点「粘贴」。</source>
        <translation>Open the group QR code in WeChat, take a screenshot or copy the image, then click “Paste”.</translation>
    </message>
    <message>
        <source>正在识别二维码…</source>
        <translation>Reading the QR code…</translation>
    </message>
    <message>
        <source>移除群二维码</source>
        <translation>Remove group QR code</translation>
    </message>
    <message>
        <source>移除这张群二维码？移除后不再提醒它的有效期。</source>
        <translation>Remove this group QR code? Its expiry will no longer be tracked.</translation>
    </message>
    <message>
        <source>正在移除…</source>
        <translation>Removing…</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>恢复备份</source>
        <translation>Restore Backup</translation>
    </message>
    <message>
        <source>从文件选择…</source>
        <translation>Choose a File…</translation>
    </message>
    <message>
        <source>选择要恢复的备份：</source>
        <translation>Choose the backup to restore:</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose a Backup File</translation>
    </message>
    <message>
        <source>数据库备份 (*.db)</source>
        <translation>Database backups (*.db)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>留空：使用本机文件 {path}</source>
        <translation>Leave empty to use the local file {path}</translation>
    </message>
    <message>
        <source>测试连接</source>
        <translation>Test Connection</translation>
    </message>
    <message>
        <source>团队共用一台 PostgreSQL 服务器时填写，例如 postgresql+psycopg://用户名:密码@服务器:5432/数据库名</source>
        <translation>For a team sharing one PostgreSQL server, for example postgresql+psycopg://user:password@server:5432/database</translation>
    </message>
    <message>
        <source>留空：使用电脑的用户名</source>
        <translation>Leave empty to use the computer&apos;s user name</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>操作员姓名</source>
        <translation>Operator name</translation>
    </message>
    <message>
        <source>正在连接数据库…</source>
        <translation>Connecting to the database…</translation>
    </message>
    <message>
        <source>连接成功，数据库结构已是最新。</source>
        <translation>Connected; the database schema is up to date.</translation>
    </message>
    <message>
        <source>语言和数据库的更改将在重新启动程序后生效。</source>
        <translation>Changes to the language and the database take effect when the program restarts.</translation>
    </message>
</context>
<context>
    <name>TrashDialog</name>
    <message>
        <source>社群回收站</source>
        <translation>Community trash</translation>
    </message>
    <message>
        <source>删除时还有成员记录的社群放在这里，成员和入群记录都还在，恢复后一切照旧。彻底删除会一并删除它的入群记录和进退群历史，不能撤销。</source>
        <translation>Communities deleted while they still had member records wait here with all their records; restoring brings everything back. Deleting for good also removes their memberships and join/leave history, and cannot be undone.</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>平台</source>
        <translation>Platform</translation>
    </message>
    <message>
        <source>入群记录</source>
        <translation>Memberships</translation>
    </message>
    <message>
        <source>删除时间</source>
        <translation>Deleted at</translation>
    </message>
    <message>
        <source>回收站是空的</source>
        <translation>The trash is empty</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>彻底删除…</source>
        <translation>Delete for good…</translation>
    </message>
    <message>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
    <message>
        <source>彻底删除「{name}」？它的 {count} 条入群记录和进退群历史会一并删除，不能撤销。</source>
        <translation>Delete “{name}” for good? Its {count} memberships and join/leave history will be deleted too. This cannot be undone.</translation>
    </message>
    <message>
        <source>彻底删除「{name}」？</source>
        <translation>Delete “{name}” for good?</translation>
    </message>
    <message>
        <source>彻底删除</source>
        <translation>Delete for good</translation>
    </message>
    <message>
        <source>正在删除…</source>
        <translation>Deleting…</translation>
    </message>
</context>
<context>
    <name>communities</name>
    <message>
        <source>微信群</source>
        <translation>WeChat group</translation>
    </message>
    <message>
        <source>企业微信客户群</source>
        <translation>WeCom customer group</translation>
    </message>
    <message>
        <source>QQ群</source>
        <translation>QQ group</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>管理者</source>
        <translation>Managers</translation>
    </message>
    <message>
        <source>领导者</source>
        <translation>Leaders</translation>
    </message>
    <message>
        <source>执行者</source>
        <translation>Doers</translation>
    </message>
    <message>
        <source>追随者</source>
        <translation>Followers</translation>
    </message>
    <message>
        <source>连接者</source>
        <translation>Connectors</translation>
    </message>
    <message>
        <source>贡献者</source>
        <translation>Contributors</translation>
    </message>
    <message>
        <source>二维码已过期</source>
        <translation>QR code expired</translation>
    </message>
    <message>
        <source>二维码即将过期</source>
        <translation>QR code expiring</translation>
    </message>
    <message>
        <source>群人数上限</source>
        <translation>Member cap</translation>
    </message>
    <message>
        <source>扫码进群上限</source>
        <translation>Scan-in cap</translation>
    </message>
    <message>
        <source>未添加群二维码</source>
        <translation>No group QR code</translation>
    </message>
    <message>
        <source>群已满</source>
        <translation>Group full</translation>
    </message>
    <message>
        <source>接近人数上限</source>
        <translation>Near member cap</translation>
    </message>
    <message>
        <source>仅能邀请进群</source>
        <translation>Invite only</translation>
    </message>
    <message>
        <source>接近扫码上限</source>
        <translation>Near scan-in cap</translation>
    </message>
    <message>
        <source>M月d日</source>
        <translation>MMM d</translation>
    </message>
    <message>
        <source>yyyy年M月d日</source>
        <translation>MMM d, yyyy</translation>
    </message>
    <message>
        <source>群二维码已于 {date} 过期，请在微信里重新生成并添加</source>
        <translation>The group QR code expired on {date}: generate a new one in WeChat and attach it</translation>
    </message>
    <message>
        <source>群二维码还剩 {days} 天（{date} 过期），请提前准备新二维码</source>
        <translation>The group QR code has {days} day(s) left (expires {date}): prepare a new one</translation>
    </message>
    <message>
        <source>群已满（{members}/{cap} 人），请开新群</source>
        <translation>The group is full ({members}/{cap}): open a new group</translation>
    </message>
    <message>
        <source>已有 {members} 人，距 {cap} 人上限只剩 {left} 个名额，准备开新群</source>
        <translation>{members} members, only {left} places left before the cap of {cap}: get a new group ready</translation>
    </message>
    <message>
        <source>已有 {members} 人，超过 {cap} 人扫码进群上限：只能邀请进群</source>
        <translation>{members} members, past the scan-in cap of {cap}: people can only join by invitation</translation>
    </message>
    <message>
        <source>已有 {members} 人，距 {cap} 人扫码进群上限只剩 {left} 人，准备开新群</source>
        <translation>{members} members, {left} more before scanning in stops at {cap}: get a new group ready</translation>
    </message>
    <message>
        <source>还没有添加群二维码，无法跟踪有效期</source>
        <translation>No group QR code attached yet, so its expiry cannot be tracked</translation>
    </message>
    <message>
        <source>未添加</source>
        <translation>None</translation>
    </message>
    <message>
        <source>长期有效</source>
        <translation>No expiry</translation>
    </message>
    <message>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>剩 {days} 天</source>
        <translation>{days} d left</translation>
    </message>
    <message>
        <source>微信群二维码</source>
        <translation>WeChat group QR code</translation>
    </message>
    <message>
        <source>企业微信二维码</source>
        <translation>WeCom QR code</translation>
    </message>
    <message>
        <source>微信个人名片或公众号，不是群二维码</source>
        <translation>A personal WeChat card or official account, not a group QR code</translation>
    </message>
    <message>
        <source>QQ 群二维码</source>
        <translation>QQ group QR code</translation>
    </message>
    <message>
        <source>网址</source>
        <translation>Web address</translation>
    </message>
    <message>
        <source>文本</source>
        <translation>Text</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>无法完成</source>
        <translation>Could Not Finish</translation>
    </message>
    <message>
        <source>出现意外错误</source>
        <translation>Unexpected Error</translation>
    </message>
    <message>
        <source>程序遇到一个意外错误，已记入日志，数据没有丢失。

{error}

日志文件：{path}</source>
        <translation>The program ran into an unexpected error. It has been logged and no data was lost.

{error}

Log file: {path}</translation>
    </message>
</context>
<context>
    <name>tasks</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请稍候</source>
        <translation>Please Wait</translation>
    </message>
</context>
</TS>
