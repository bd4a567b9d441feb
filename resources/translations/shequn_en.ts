<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>ActivityEntryDialog</name>
    <message>
        <source>记录行为</source>
        <translation>Record activity</translation>
    </message>
    <message>
        <source>行为</source>
        <translation>Activity</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>每人次数</source>
        <translation>Times per member</translation>
    </message>
    <message>
        <source>每次金额</source>
        <translation>Amount each time</translation>
    </message>
    <message>
        <source>将为选中的 {n} 位成员记录</source>
        <translation>To be recorded for the {n} selected members</translation>
    </message>
    <message>
        <source>请先选择成员和社群</source>
        <translation>Select members and a community first</translation>
    </message>
    <message>
        <source>正在记录…</source>
        <translation>Recording…</translation>
    </message>
</context>
<context>
    <name>ActivityImportDialog</name>
    <message>
        <source>从表格导入行为记录</source>
        <translation>Import activity from a spreadsheet</translation>
    </message>
    <message>
        <source>支持 .xlsx .xls .ods .csv .txt。每行一条记录：成员（成员编号、微信号、手机号或昵称）、行为（签到、发言、购买…）、日期，可选 次数 和 金额（元）；或者每种行为一列、格子里是次数的统计表。表格上方有标题行也没关系。
先预览：会列出将记录多少条、哪些行无法导入及原因；同一个文件再导入不会重复记录。</source>
        <translation>.xlsx .xls .ods .csv .txt are supported. One record per row: member (member number, WeChat ID, phone or nickname), activity (签到, 发言, 购买…), date, and optionally a count and an amount in yuan; or a tally sheet with one column per kind of activity and counts in the cells. Title rows above the table are fine.
Preview first: it lists how many records will be added and which rows cannot be imported, and why; importing the same file again records nothing twice.</translation>
    </message>
    <message>
        <source>选择或拖入一个表格文件</source>
        <translation>Choose or drop a spreadsheet file</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>按文件里的社群列</source>
        <translation>From the file&apos;s community column</translation>
    </message>
    <message>
        <source>文件里没有「社群」列的行算作这个社群；按昵称找成员时需要知道社群</source>
        <translation>Rows without a community column in the file count for this community; finding members by nickname needs the community</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>选择文件后点「预览」：先看结果，确认后才写入。</source>
        <translation>After choosing a file, click “Preview”: you see the result first, and nothing is written until you confirm.</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>无法导入的原因</source>
        <translation>Why it cannot be imported</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>选择行为记录表格</source>
        <translation>Choose an activity spreadsheet</translation>
    </message>
    <message>
        <source>表格 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;所有文件 (*)</source>
        <translation>Spreadsheets (*.xlsx *.xlsm *.xls *.ods *.csv *.txt);;All files (*)</translation>
    </message>
    <message>
        <source>正在读取并检查每一行…</source>
        <translation>Reading and checking every row…</translation>
    </message>
    <message>
        <source>{kind} {n}</source>
        <translation>{kind} {n}</translation>
    </message>
    <message>
        <source>「{file}」：读取 {rows} 行，将记录 {add} 条行为（{members} 人）</source>
        <translation>“{file}”: rows read: {rows}; activity records to add: {add}; members: {members}</translation>
    </message>
    <message numerus="yes">
        <source>%n 条这个文件已导入过，不会重复记录</source>
        <translation>
            <numerusform>%n record of this file was imported before and is not recorded twice</numerusform>
            <numerusform>%n records of this file were imported before and are not recorded twice</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 行无法导入，原因见下表</source>
        <translation>
            <numerusform>%n row cannot be imported (reason below)</numerusform>
            <numerusform>%n rows cannot be imported (reasons below)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 行次数都是 0</source>
        <translation>
            <numerusform>%n row with every count 0</numerusform>
            <numerusform>%n rows with every count 0</numerusform>
        </translation>
    </message>
    <message>
        <source>已导入 {n} 条行为记录</source>
        <translation>Imported {n} activity records</translation>
    </message>
    <message>
        <source>正在导入行为记录…</source>
        <translation>Importing activity…</translation>
    </message>
</context>
<context>
    <name>AssetField</name>
    <message>
        <source>选择图片…</source>
        <translation>Choose picture…</translation>
    </message>
    <message>
        <source>选择图片</source>
        <translation>Choose a picture</translation>
    </message>
</context>
<context>
    <name>AttachmentsField</name>
    <message>
        <source>添加…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>还没有附件</source>
        <translation>No attachments yet</translation>
    </message>
</context>
<context>
    <name>AttentionDialog</name>
    <message>
        <source>需要处理</source>
        <translation>Needs attention</translation>
    </message>
    <message numerus="yes">
        <source>共 %n 项。双击一行查看该社群。</source>
        <translation>
            <numerusform>%n item. Double-click a row to open that community.</numerusform>
            <numerusform>%n items. Double-click a row to open that community.</numerusform>
        </translation>
    </message>
    <message>
        <source>没有需要处理的事项。下面是每个群不在这里的原因。</source>
        <translation>Nothing needs attention. Below, each group and why it is not listed.</translation>
    </message>
    <message>
        <source>没有需要处理的事项。</source>
        <translation>Nothing needs attention.</translation>
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
    <message>
        <source>不需要处理的社群（{count} 个）</source>
        <translation>Groups that need nothing ({count})</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>为什么不在需要处理里</source>
        <translation>Why it does not need attention</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>AvatarGroup</name>
    <message>
        <source>头像</source>
        <translation>Avatar</translation>
    </message>
    <message>
        <source>改用会员头像</source>
        <translation>Use the member&apos;s picture</translation>
    </message>
    <message>
        <source>圆形</source>
        <translation>Circle</translation>
    </message>
    <message>
        <source>圆角方形</source>
        <translation>Rounded square</translation>
    </message>
    <message>
        <source>无边框</source>
        <translation>No border</translation>
    </message>
    <message>
        <source>会员没有头像时，显示这段文字的第一个字</source>
        <translation>When the member has no picture, the first character of this text is shown</translation>
    </message>
    <message>
        <source>图片</source>
        <translation>Picture</translation>
    </message>
    <message>
        <source>形状</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>圆角</source>
        <translation>Corner radius</translation>
    </message>
    <message>
        <source>边框宽度</source>
        <translation>Border width</translation>
    </message>
    <message>
        <source>边框颜色</source>
        <translation>Border colour</translation>
    </message>
    <message>
        <source>无头像时</source>
        <translation>Without picture</translation>
    </message>
    <message>
        <source>底色</source>
        <translation>Background</translation>
    </message>
    <message>
        <source>无图片，显示下面文字的首字</source>
        <translation>No picture: the first character of the text below is shown</translation>
    </message>
    <message>
        <source>会员自己的头像（{src}）</source>
        <translation>The member&apos;s own picture ({src})</translation>
    </message>
</context>
<context>
    <name>BackgroundImageGroup</name>
    <message>
        <source>背景图片</source>
        <translation>Background picture</translation>
    </message>
    <message>
        <source>移除背景图</source>
        <translation>Remove background picture</translation>
    </message>
    <message>
        <source>图片盖在填充色上，按比例铺满整张海报</source>
        <translation>The picture lies over the fill and covers the whole poster, keeping its proportions</translation>
    </message>
    <message>
        <source>无背景图，只显示填充</source>
        <translation>No background picture: only the fill</translation>
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
        <translation>Back up database</translation>
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
        <translation>Restore backup</translation>
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
    <name>BestTimesView</name>
    <message>
        <source>勾选发到的社群后，这里显示群里最活跃的发送时间。</source>
        <translation>Tick the communities to send to and their busiest times show here.</translation>
    </message>
    <message>
        <source>推荐发送时间（按群聊记录，点一下改到下一个这样的时段）：</source>
        <translation>Best send times (from chat history; click one to move to its next occurrence):</translation>
    </message>
    <message>
        <source>{name}：</source>
        <translation>{name}:</translation>
    </message>
    <message>
        <source>{weekday} {hour:02d}:00（{days} 天有发言）</source>
        <translation>{weekday} {hour:02d}:00 (active on {days} days)</translation>
    </message>
    <message>
        <source>{count} 条成员发言</source>
        <translation>{count} member messages</translation>
    </message>
    <message>
        <source>另有 {count} 个社群未列出</source>
        <translation>{count} more communities not shown</translation>
    </message>
</context>
<context>
    <name>BulkPosterDialog</name>
    <message>
        <source>批量生成海报 · {name}</source>
        <translation>Make posters in bulk · {name}</translation>
    </message>
    <message>
        <source>生成对象</source>
        <translation>For</translation>
    </message>
    <message>
        <source>正在统计人数…</source>
        <translation>Counting members…</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>打开所在文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>开始生成</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>取消生成</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>为每位成员生成一张带本人昵称、邀请码和专属二维码的海报。每张海报的二维码都会先扫码校验，扫不出的不会保存。</source>
        <translation>Makes one poster per member with their nickname, invite code and own QR code. Every QR code is scanned first; a poster whose code does not scan is not saved.</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>分群</source>
        <translation>Segment</translation>
    </message>
    <message>
        <source>当前在群的成员，不含团队成员（群主、员工）</source>
        <translation>Current members, without the team (owner, staff)</translation>
    </message>
    <message>
        <source>与成员页「分群」筛选相同的名单，不含团队成员</source>
        <translation>The same list as the Members tab&apos;s segment filter, without the team</translation>
    </message>
    <message numerus="yes">
        <source>成员页中选中的 %n 位成员</source>
        <translation>
            <numerusform>The %n member selected in the Members tab</numerusform>
            <numerusform>The %n members selected in the Members tab</numerusform>
        </translation>
    </message>
    <message>
        <source>无（每人的常驻邀请码）</source>
        <translation>None (each member&apos;s standing code)</translation>
    </message>
    <message>
        <source>{name}（{kind} · {status}）</source>
        <translation>{name} ({kind} · {status})</translation>
    </message>
    <message>
        <source>选一个活动（海报裂变、邀请码裂变等草稿或进行中的活动）：海报上是每人在这个活动的邀请码，第一次生成时发放并记录，再生成还是同一个码。选「无」则用每人的常驻邀请码。</source>
        <translation>Choose a campaign (a draft or running poster, invite-code or similar campaign): each poster then carries the member&apos;s code in that campaign, issued and recorded the first time and the same code every time after. “None” uses each member&apos;s standing code.</translation>
    </message>
    <message>
        <source>海报上是每人在本活动的邀请码，扫码或输入后可在「活动」页记录邀请</source>
        <translation>Each poster carries the member&apos;s code in this campaign; record invites with it on the Campaigns tab</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <source>填入海报上的 {活动名}，例如 春日烘焙体验营</source>
        <translation>Fills {活动名} on the poster, e.g. Spring baking camp</translation>
    </message>
    <message>
        <source>这个模板没有用到 {活动名}，可不填</source>
        <translation>This template does not use {活动名}; may stay empty</translation>
    </message>
    <message>
        <source>活动名</source>
        <translation>Campaign name</translation>
    </message>
    <message>
        <source>写上截止日期</source>
        <translation>Show a deadline</translation>
    </message>
    <message>
        <source>填入海报上的 {截止日期}，写作「4月30日」</source>
        <translation>Fills {截止日期} on the poster, written like &quot;4月30日&quot;</translation>
    </message>
    <message>
        <source>截止日期</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>例如 https://example.com/i/{邀请码}</source>
        <translation>e.g. https://example.com/i/{邀请码}</translation>
    </message>
    <message>
        <source>二维码 {邀请链接} 的格式，{邀请码} 换成每人自己的码；留空则二维码里只有邀请码。改动会被记住。</source>
        <translation>The format of the QR code’s {邀请链接}: {邀请码} becomes each member’s own code; leave it empty to put only the invite code in the QR. Changes are remembered.</translation>
    </message>
    <message>
        <source>邀请链接</source>
        <translation>Invite link</translation>
    </message>
    <message>
        <source>文件夹（每人一个图片文件）</source>
        <translation>Folder (one image file per member)</translation>
    </message>
    <message>
        <source>压缩包（.zip，方便发给同事）</source>
        <translation>Zip file (.zip, easy to send to colleagues)</translation>
    </message>
    <message>
        <source>保存为</source>
        <translation>Save as</translation>
    </message>
    <message>
        <source>文件名为「昵称_邀请码.png」，重名时自动加序号</source>
        <translation>Files are named &quot;昵称_邀请码.png&quot;; repeats get a number</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>PNG（清晰无损）</source>
        <translation>PNG (sharp, lossless)</translation>
    </message>
    <message>
        <source>JPEG（文件更小，适合微信发送）</source>
        <translation>JPEG (smaller, good for sending on WeChat)</translation>
    </message>
    <message>
        <source>图片格式</source>
        <translation>Image format</translation>
    </message>
    <message>
        <source>{name}_个人海报_{day}</source>
        <translation>{name}_personal_posters_{day}</translation>
    </message>
    <message numerus="yes">
        <source>将为 %n 位成员各生成一张海报</source>
        <translation>
            <numerusform>One poster for %n member</numerusform>
            <numerusform>One poster each for %n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>已生成 %n 张海报，保存在 {path}</source>
        <translation>
            <numerusform>%n poster made, saved in {path}</numerusform>
            <numerusform>%n posters made, saved in {path}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 张未通过扫码校验或无法写入，没有保存，原因见下方</source>
        <translation>
            <numerusform>%n poster failed the scan check or could not be written and was not saved; reason below</numerusform>
            <numerusform>%n posters failed the scan check or could not be written and were not saved; reasons below</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  ……另有 %n 张</source>
        <translation>
            <numerusform>  …and %n more</numerusform>
            <numerusform>  …and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 张有提醒（已保存，能扫出），见下方</source>
        <translation>
            <numerusform>%n poster has warnings (saved, it scans); see below</numerusform>
            <numerusform>%n posters have warnings (saved, they scan); see below</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  %n 张：{warning}</source>
        <translation>
            <numerusform>  %n poster: {warning}</numerusform>
            <numerusform>  %n posters: {warning}</numerusform>
        </translation>
    </message>
    <message>
        <source>{what}里没有可生成海报的成员</source>
        <translation>{what} has no members to make posters for</translation>
    </message>
    <message>
        <source>保存压缩包</source>
        <translation>Save zip file</translation>
    </message>
    <message>
        <source>压缩包 (*.zip)</source>
        <translation>Zip files (*.zip)</translation>
    </message>
    <message>
        <source>选择保存海报的文件夹</source>
        <translation>Choose a folder for the posters</translation>
    </message>
    <message>
        <source>请选择保存海报的位置</source>
        <translation>Choose where to save the posters</translation>
    </message>
    <message>
        <source>「{path}」不是完整的路径，请点「选择…」选一个位置</source>
        <translation>&quot;{path}&quot; is not a full path; click &quot;Choose…&quot; to pick a place</translation>
    </message>
    <message>
        <source>正在准备…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>已生成 {done} / {total}</source>
        <translation>Made {done} / {total}</translation>
    </message>
    <message>
        <source>未保存的海报：</source>
        <translation>Posters not saved:</translation>
    </message>
    <message>
        <source>  {file}：{reason}</source>
        <translation>  {file}: {reason}</translation>
    </message>
    <message>
        <source>提醒：</source>
        <translation>Warnings:</translation>
    </message>
    <message>
        <source>没有生成海报，也没有写入任何文件。</source>
        <translation>No posters were made and nothing was written.</translation>
    </message>
    <message>
        <source>已取消：这一批海报一张也没有保存。</source>
        <translation>Cancelled: none of this batch&apos;s posters was kept.</translation>
    </message>
    <message>
        <source>正在生成海报</source>
        <translation>Making posters</translation>
    </message>
    <message>
        <source>海报还在生成中。停止并关闭吗？这一批已生成的海报不会保留。</source>
        <translation>Posters are still being made. Stop and close? The posters of this batch made so far will not be kept.</translation>
    </message>
    <message>
        <source>停止并关闭</source>
        <translation>Stop and close</translation>
    </message>
    <message>
        <source>继续生成</source>
        <translation>Keep going</translation>
    </message>
</context>
<context>
    <name>CalendarMarks</name>
    <message>
        <source>「{name}」开始</source>
        <translation>“{name}” starts</translation>
    </message>
    <message>
        <source>「{name}」结束</source>
        <translation>“{name}” ends</translation>
    </message>
</context>
<context>
    <name>CalendarTab</name>
    <message>
        <source>新建内容</source>
        <translation>New content</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>撤销：{0}（Ctrl+Z）</source>
        <translation>Undo: {0} (Ctrl+Z)</translation>
    </message>
    <message>
        <source>按类型着色</source>
        <translation>Colour by type</translation>
    </message>
    <message>
        <source>按社群着色</source>
        <translation>Colour by community</translation>
    </message>
    <message>
        <source>内容日历</source>
        <translation>Content calendar</translation>
    </message>
    <message>
        <source>知道了</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>正在检查待审核内容…</source>
        <translation>Checking items awaiting review…</translation>
    </message>
    <message>
        <source>{count} 条内容到计划时间仍未审核，已退回草稿：{titles}</source>
        <translation>{count} items were not reviewed by their time and went back to draft: {titles}</translation>
    </message>
    <message>
        <source>「{title}」改到 {when}</source>
        <translation>“{title}” moved to {when}</translation>
    </message>
    <message>
        <source>正在改时间…</source>
        <translation>Rescheduling…</translation>
    </message>
    <message>
        <source>「{title}」改回 {when}</source>
        <translation>“{title}” moved back to {when}</translation>
    </message>
    <message>
        <source>（Ctrl+Z 撤销）</source>
        <translation> (Ctrl+Z to undo)</translation>
    </message>
    <message>
        <source>已再次排期「{title}」：{when}（新内容 #{id}）</source>
        <translation>Scheduled “{title}” again: {when} (new item #{id})</translation>
    </message>
    <message>
        <source>正在再次排期…</source>
        <translation>Scheduling again…</translation>
    </message>
    <message>
        <source>正在保存内容…</source>
        <translation>Saving content…</translation>
    </message>
    <message>
        <source>正在更改状态…</source>
        <translation>Changing the status…</translation>
    </message>
    <message>
        <source>删除「{title}」</source>
        <translation>Deleted “{title}”</translation>
    </message>
    <message>
        <source>正在删除…</source>
        <translation>Deleting…</translation>
    </message>
    <message>
        <source>已恢复「{title}」</source>
        <translation>Restored “{title}”</translation>
    </message>
    <message>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
    <message>
        <source>已导入 {year} 年放假通知：放假 {days} 天，调休上班 {workdays} 天</source>
        <translation>Imported the {year} holiday notice: {days} days off, {workdays} make-up workdays</translation>
    </message>
</context>
<context>
    <name>CampaignDialog</name>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>CampaignEditor</name>
    <message>
        <source>新建活动</source>
        <translation>New campaign</translation>
    </message>
    <message>
        <source>编辑活动</source>
        <translation>Edit campaign</translation>
    </message>
    <message>
        <source>活动信息</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <source>奖励与规则</source>
        <translation>Rewards and rules</translation>
    </message>
    <message>
        <source>文案</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>例如：五月读书会任务宝</source>
        <translation>e.g. May book club task ladder</translation>
    </message>
    <message>
        <source>活动名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>活动类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>未设定</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source>目标</source>
        <translation>Goal</translation>
    </message>
    <message>
        <source>目标社群</source>
        <translation>Target groups</translation>
    </message>
    <message>
        <source>设定起止日期</source>
        <translation>Set dates</translation>
    </message>
    <message>
        <source>起止</source>
        <translation>Dates</translation>
    </message>
    <message>
        <source>总预算</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>每日</source>
        <translation>Per day</translation>
    </message>
    <message>
        <source>每人</source>
        <translation>Per member</translation>
    </message>
    <message>
        <source>不设</source>
        <translation>None</translation>
    </message>
    <message>
        <source>预算</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>海报上的文字：主题、利益点、怎么参加</source>
        <translation>The poster&apos;s text: theme, benefit, how to take part</translation>
    </message>
    <message>
        <source>活动规则：时间、奖励、名额、违规处理</source>
        <translation>Rules: dates, rewards, places, what happens on abuse</translation>
    </message>
    <message>
        <source>首屏：活动主题和利益点，尽早引导用户行动</source>
        <translation>First screen: theme and benefit, leading to action early</translation>
    </message>
    <message>
        <source>打消顾虑：权威认证、资质、专家说明、用户评价</source>
        <translation>Remove doubts: certifications, credentials, expert words, customer reviews</translation>
    </message>
    <message>
        <source>行动号召：怎么参加、截止时间，再给一次入口</source>
        <translation>Call to action: how to take part, the deadline, one more way in</translation>
    </message>
    <message>
        <source>海报文案</source>
        <translation>Poster text</translation>
    </message>
    <message>
        <source>活动规则</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>H5 上段</source>
        <translation>H5 top</translation>
    </message>
    <message>
        <source>H5 中段</source>
        <translation>H5 middle</translation>
    </message>
    <message>
        <source>H5 下段</source>
        <translation>H5 bottom</translation>
    </message>
    <message>
        <source>文案会经过合规检查：「集赞」「转发才能领取」等诱导分享会在概况的清单里标出。</source>
        <translation>Copy goes through the compliance check: induced sharing such as collecting likes or “share to claim” is flagged in the overview&apos;s checklist.</translation>
    </message>
    <message>
        <source> 人</source>
        <translation> people</translation>
    </message>
    <message>
        <source> 元</source>
        <translation> yuan</translation>
    </message>
    <message>
        <source> 次</source>
        <translation> check-ins</translation>
    </message>
    <message>
        <source>请填写活动名称</source>
        <translation>Please enter the campaign&apos;s name</translation>
    </message>
    <message>
        <source>每邀请一位新成员，邀请人和被邀请人各得奖励（双向奖励）。</source>
        <translation>Each new member invited rewards both the inviter and the invitee (double-sided).</translation>
    </message>
    <message>
        <source>邀请满 3 / 6 / 10 人等阶梯各领一次奖，每位参与者看到「还差 N 人」。</source>
        <translation>Stages of 3 / 6 / 10 invites, each claimed once; every participant sees “N more to go”.</translation>
    </message>
    <message>
        <source>每位参与者拿到带自己邀请码和二维码的个人海报，按邀请成功发奖。</source>
        <translation>Each participant gets a personal poster with their own code and QR; rewards per converted invite.</translation>
    </message>
    <message>
        <source>拼：团长开团，N 人在规定时间内成团，全团得奖，超时作废。</source>
        <translation>Group buy: a leader opens a team; N people complete it in time and all are rewarded, else it expires.</translation>
    </message>
    <message>
        <source>帮：N 位好友助力即可解锁奖励，每人在本活动只能助力一次。</source>
        <translation>Help: N friends&apos; help unlocks the reward; each helper helps once per campaign.</translation>
    </message>
    <message>
        <source>送：邀请好友入群（或购买），双方都得礼品或优惠券。</source>
        <translation>Gift: invite a friend to join (or buy) and both get a gift or coupon.</translation>
    </message>
    <message>
        <source>砍：每位好友砍一刀，价格逐刀递减，直到底价。</source>
        <translation>Bargain: each friend cuts the price, each cut smaller than the last, down to the floor price.</translation>
    </message>
    <message>
        <source>券：从券码池给参与者和被邀请人发券，并记录核销。</source>
        <translation>Coupons: codes from a pool go to participants and invitees; redemptions are recorded.</translation>
    </message>
    <message>
        <source>比：按邀请成功人数排名，同数先到者在前，前 N 名得奖。</source>
        <translation>Ranking: by converted invites, ties to who got there first; the top N win prizes.</translation>
    </message>
    <message>
        <source>换：成员发布闲置和需求，同类自动配对，换成后双方可得奖励。</source>
        <translation>Swap: members post offers and wants; same-category items are matched and both sides may be rewarded.</translation>
    </message>
    <message>
        <source>按权重抽奖，奖品有库存、每人有上限，随机种子留档可复核。</source>
        <translation>Weighted draw with prize stock and per-member caps; the seed is recorded so a draw can be replayed.</translation>
    </message>
</context>
<context>
    <name>CampaignList</name>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>新建活动…</source>
        <translation>New campaign…</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Campaigns</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Dates</translation>
    </message>
</context>
<context>
    <name>CampaignsTab</name>
    <message>
        <source>还没有活动</source>
        <translation>No campaigns yet</translation>
    </message>
    <message>
        <source>活动是一次有目标、有奖励的拉新或促活：邀请码裂变、任务宝、海报裂变、拼团、助力、砍价、抽奖……在这里写下目标和预算，记录谁邀请了谁，自动算奖励、查风险、看裂变效果。</source>
        <translation>A campaign is a push for new or active members with a goal and rewards: invite codes, task ladders, poster referrals, group buys, help, bargains, lotteries… Set its goal and budget here, record who invited whom, and the program works out rewards, checks for fraud and measures the growth.</translation>
    </message>
    <message>
        <source>新建活动…</source>
        <translation>New campaign…</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Campaigns</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>记录一次邀请，或导入裂变工具导出的明细</source>
        <translation>Record an invite, or import a referral tool’s export</translation>
    </message>
    <message>
        <source>记录邀请…</source>
        <translation>Record invite…</translation>
    </message>
    <message>
        <source>导入工具明细…</source>
        <translation>Import tool export…</translation>
    </message>
    <message>
        <source>正在保存活动…</source>
        <translation>Saving the campaign…</translation>
    </message>
    <message>
        <source>正在更改活动状态…</source>
        <translation>Changing the campaign&apos;s status…</translation>
    </message>
</context>
<context>
    <name>CanvasSizeDialog</name>
    <message>
        <source>自定义尺寸</source>
        <translation>Custom size</translation>
    </message>
    <message>
        <source>屏幕上看的海报用 72；要打印的用 300</source>
        <translation>72 for a poster seen on screens; 300 for print</translation>
    </message>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>宽</source>
        <translation>Width</translation>
    </message>
    <message>
        <source>高</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>分辨率</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <source>打印尺寸约 {w:.1f} × {h:.1f} 厘米</source>
        <translation>About {w:.1f} × {h:.1f} cm when printed</translation>
    </message>
    <message>
        <source>屏幕海报：在手机上按像素显示</source>
        <translation>Screen poster: shown pixel for pixel on phones</translation>
    </message>
</context>
<context>
    <name>CataloguePage</name>
    <message>
        <source>奖品</source>
        <translation>Reward</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>所需积分</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>剩余/总库存</source>
        <translation>Stock left/total</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>Unlimited</translation>
    </message>
    <message>
        <source>已兑换</source>
        <translation>Redeemed</translation>
    </message>
    <message>
        <source>成本</source>
        <translation>Cost</translation>
    </message>
    <message>
        <source>每人限兑</source>
        <translation>Per member</translation>
    </message>
    <message>
        <source>兑换日期</source>
        <translation>Redeemable</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>上架</source>
        <translation>Listed</translation>
    </message>
    <message>
        <source>下架</source>
        <translation>Unlisted</translation>
    </message>
    <message>
        <source>新增奖品…</source>
        <translation>New reward…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>积分商城还没有奖品</source>
        <translation>The rewards catalogue is empty</translation>
    </message>
    <message>
        <source>上架第一件奖品（实物、优惠券或服务），成员就能用积分兑换了。</source>
        <translation>Add the first reward (a gift, a coupon or a service) and members can redeem their points for it.</translation>
    </message>
    <message>
        <source>正在保存奖品…</source>
        <translation>Saving the reward…</translation>
    </message>
</context>
<context>
    <name>ChatHeat</name>
    <message>
        <source>{count} 条成员发言（点击查看成员）</source>
        <translation>{count} member messages (click to see the members)</translation>
    </message>
    <message>
        <source>导入群聊记录…</source>
        <translation>Import chat history…</translation>
    </message>
    <message>
        <source>还没有导入群聊记录。在「数据 → 导入群聊记录…」导入微信群的聊天导出后，这里显示成员在一周里什么时候发言。</source>
        <translation>No chat history imported yet. Import a WeChat group&apos;s chat export in Data → Import chat history… and this shows when in the week members post.</translation>
    </message>
    <message>
        <source>这段时间的群聊记录只有日期，没有具体时间</source>
        <translation>The chat history of this period has dates only, no times of day</translation>
    </message>
    <message>
        <source>这段时间没有成员在群里发言</source>
        <translation>No member posted in the groups in this period</translation>
    </message>
</context>
<context>
    <name>ChatImportDialog</name>
    <message>
        <source>导入群聊记录</source>
        <translation>Import chat history</translation>
    </message>
    <message>
        <source>选择聊天记录导出</source>
        <translation>Choose a chat history export</translation>
    </message>
    <message>
        <source>支持留痕（WeChatMsg）、PyWxDump、chatlog、WeFlow 导出的文件，企业微信会话存档，以及从电脑版微信复制的文字。可以选一个文件，也可以选导出工具的整个文件夹（里面的每个群各自对应社群）。
先预览：导入前会列出新成员、邀请关系、需要确认的名字和无法读取的每一行；同一份记录再导入不会重复，导入要么全部完成，要么什么都不改。</source>
        <translation>Files exported by WeChatMsg (留痕), PyWxDump, chatlog and WeFlow, WeCom chat archives, and text copied from WeChat for desktop. Choose one file, or an export tool&apos;s whole folder (each group in it goes to its own community).
Preview first: before anything is written you see the new members, who invited whom, the names to confirm and every line that could not be read. Importing the same history again adds nothing twice; an import either completes or changes nothing.</translation>
    </message>
    <message>
        <source>把文件或文件夹拖到这里，或者</source>
        <translation>Drop a file or folder here, or</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>选择文件夹…</source>
        <translation>Choose folder…</translation>
    </message>
    <message>
        <source>请选择日期</source>
        <translation>Choose a date</translation>
    </message>
    <message>
        <source>这些消息是哪一天的：</source>
        <translation>Day of these messages:</translation>
    </message>
    <message>
        <source>从电脑版微信（Windows）复制的文字里没有日期，请选择它们的日期。</source>
        <translation>Text copied from WeChat for Windows carries no date: choose the day it is from.</translation>
    </message>
    <message>
        <source>预览导入结果</source>
        <translation>Preview import</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>选择聊天记录文件</source>
        <translation>Choose a chat history file</translation>
    </message>
    <message>
        <source>聊天记录 (*.csv *.json *.jsonl *.txt);;所有文件 (*)</source>
        <translation>Chat history (*.csv *.json *.jsonl *.txt);;All files (*)</translation>
    </message>
    <message>
        <source>选择导出工具的文件夹</source>
        <translation>Choose the export tool&apos;s folder</translation>
    </message>
    <message>
        <source>文件夹：{name}</source>
        <translation>Folder: {name}</translation>
    </message>
    <message>
        <source>文件：{name}</source>
        <translation>File: {name}</translation>
    </message>
    <message>
        <source>正在读取聊天记录…</source>
        <translation>Reading the chat history…</translation>
    </message>
    <message>
        <source>按群 ID 和群名自动对应</source>
        <translation>Match by chat ID and group name</translation>
    </message>
    <message>
        <source>只有一个聊天时，可以导入到任何一个社群；文件夹里的聊天各自按群 ID 和群名对应</source>
        <translation>A single chat can go into any community; the chats in a folder are each matched by chat ID and group name</translation>
    </message>
    <message>
        <source>导入到社群：</source>
        <translation>Import into:</translation>
    </message>
    <message>
        <source>保留消息原文</source>
        <translation>Keep message text</translation>
    </message>
    <message>
        <source>默认只记发送人、时间、类型和字数；勾选后同时保存消息文字</source>
        <translation>By default only sender, time, kind and length are kept; tick to store the text too</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>{chats} 个聊天 · 消息 {messages} 条 · 新成员 {new} · 入群 {joins} · 邀请关系 {edges}</source>
        <translation>Chats {chats} · Messages {messages} · New members {new} · Joins {joins} · Referrals {edges}</translation>
    </message>
    <message>
        <source> · 待确认 {n}</source>
        <translation> · To confirm {n}</translation>
    </message>
    <message>
        <source> · 无法读取 {n}</source>
        <translation> · Unreadable {n}</translation>
    </message>
    <message>
        <source>预览：{name}</source>
        <translation>Preview: {name}</translation>
    </message>
    <message>
        <source>新建社群：{names}（没有对应的社群；也可以在上面选一个已有社群）</source>
        <translation>Create community: {names} (no community matches; or choose an existing one above)</translation>
    </message>
    <message>
        <source>新建 {n} 个社群：{names}</source>
        <translation>Create these communities ({n}): {names}</translation>
    </message>
    <message>
        <source>已勾选保留消息原文：消息文字会保存在数据库里。</source>
        <translation>Keep message text is ticked: the text of the messages is stored in the database.</translation>
    </message>
    <message>
        <source>不保存消息文字：只记发送人、时间、类型和字数（要保存请勾选「保留消息原文」）。</source>
        <translation>Message text is not stored: only sender, time, kind and length (tick “Keep message text” to store it).</translation>
    </message>
    <message>
        <source>主动退群不会出现在聊天记录里（微信不提示）：要知道谁退了群，请导入成员名单。</source>
        <translation>Voluntary leaves are not in chat exports (WeChat shows no notice): import a member list to learn who left.</translation>
    </message>
    <message>
        <source>更新预览</source>
        <translation>Update preview</translation>
    </message>
    <message>
        <source>没有可导入的内容</source>
        <translation>Nothing to import</translation>
    </message>
    <message>
        <source>请先确认新建社群</source>
        <translation>Confirm the new community first</translation>
    </message>
    <message>
        <source>正在导入群聊记录…（取消则什么都不改）</source>
        <translation>Importing the chat history… (cancel changes nothing)</translation>
    </message>
    <message>
        <source>已取消导入，数据没有改动。</source>
        <translation>Import cancelled; nothing was changed.</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>导入完成：消息 {messages} 条，新成员 {members} 人，邀请关系 {edges} 条。</source>
        <translation>Imported: messages {messages}, new members {members}, referrals {edges}.</translation>
    </message>
    <message>
        <source>入群记录 {joins}，移出 {removals}，加入社群 {memberships} 人次，群名记录 {names}。</source>
        <translation>Joins {joins}, removals {removals}, memberships added {memberships}, group names {names}.</translation>
    </message>
    <message>
        <source>积分记录 {points} 条，等级变化 {levels} 人。</source>
        <translation>Points entries {points}; level changes {levels}.</translation>
    </message>
    <message>
        <source>{n} 条消息以前已经导入过，没有重复记录。</source>
        <translation>Messages imported before, not recorded twice: {n}.</translation>
    </message>
    <message>
        <source>{n} 条消息的发送人待确认，没有导入。</source>
        <translation>Messages not imported, their sender still to confirm: {n}.</translation>
    </message>
    <message>
        <source>{n} 条邀请关系与已有记录冲突，没有改动，请在活动里核对。</source>
        <translation>Referrals that conflict with existing ones, left unchanged (check them in Campaigns): {n}.</translation>
    </message>
    <message>
        <source>新建社群：{names}</source>
        <translation>Communities created: {names}</translation>
    </message>
</context>
<context>
    <name>ChatPresencePanel</name>
    <message>
        <source>{days} 天未发言（群聊）</source>
        <translation>Silent for {days} days (chat)</translation>
    </message>
    <message>
        <source>还在群里、在群聊记录里发过言，但最近 {days} 天没有发言的成员</source>
        <translation>Members still in a group who have spoken in its chat history, but not in the last {days} days</translation>
    </message>
    <message>
        <source>群聊发言</source>
        <translation>Group chat</translation>
    </message>
    <message>
        <source>群聊记录里没有此人的发言</source>
        <translation>No messages from this member in the imported chat history</translation>
    </message>
    <message>
        <source>入群后未发言</source>
        <translation>No message since joining</translation>
    </message>
    <message>
        <source>入群后首次发言 {at}</source>
        <translation>First message after joining {at}</translation>
    </message>
    <message>
        <source>（{wait}后）</source>
        <translation> ({wait} later)</translation>
    </message>
    <message>
        <source>共 {count} 条</source>
        <translation>{count} in all</translation>
    </message>
    <message>
        <source>最近发言 {at} · 共 {count} 条</source>
        <translation>Last message {at} · {count} in all</translation>
    </message>
    <message>
        <source>{n} 分钟</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>{n} 小时</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>{n} 天</source>
        <translation>{n} days</translation>
    </message>
</context>
<context>
    <name>ChatPreview</name>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>名字</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Remark</translation>
    </message>
    <message>
        <source>wxid</source>
        <translation>wxid</translation>
    </message>
    <message>
        <source>聊天里出现、但还不是这个社群成员的人：导入时新建为成员，并加入社群。</source>
        <translation>People in the chat who are not members of this community yet: the import creates them as members and adds them to the community.</translation>
    </message>
    <message>
        <source>新成员</source>
        <translation>New members</translation>
    </message>
    <message>
        <source>消息</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>是谁</source>
        <translation>Who is it</translation>
    </message>
    <message>
        <source>这些名字可能是几位成员中的任何一位，程序不猜：请选出是谁，或选「新成员」（另一个同名的人），再按「更新预览」。没有回答的，这个名字的消息和入群记录不导入。</source>
        <translation>Each of these names fits several members, and the program does not guess: choose who it is, or “New member” (someone else of that name), then press “Update preview”. For a name left unanswered, its messages and joins are not imported.</translation>
    </message>
    <message>
        <source>待确认</source>
        <translation>To confirm</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>邀请人</source>
        <translation>Inviter</translation>
    </message>
    <message>
        <source>被邀请人</source>
        <translation>Invitee</translation>
    </message>
    <message>
        <source>方式</source>
        <translation>How</translation>
    </message>
    <message>
        <source>入群消息里谁邀请了谁：记入邀请关系（来源：聊天记录），裂变活动的邀请树会用到。</source>
        <translation>Who invited whom, from the join messages: recorded as referrals (source: chat history), which the campaigns&apos; referral trees use.</translation>
    </message>
    <message>
        <source>邀请关系</source>
        <translation>Referrals</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>条数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>记为行为</source>
        <translation>Recorded as</translation>
    </message>
    <message>
        <source>按类型</source>
        <translation>By kind</translation>
    </message>
    <message>
        <source>对应方式</source>
        <translation>Matched</translation>
    </message>
    <message>
        <source>格式</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joins</translation>
    </message>
    <message>
        <source>移出</source>
        <translation>Removals</translation>
    </message>
    <message>
        <source>{first} 至 {last}</source>
        <translation>{first} to {last}</translation>
    </message>
    <message>
        <source>导入到</source>
        <translation>Import into</translation>
    </message>
    <message>
        <source>每个聊天按群 ID、再按群名对应社群；没有对应的，可以在「导入到」里选一个已有社群。</source>
        <translation>Each chat is matched to a community by chat ID, then by group name; for one without a match you can choose an existing community under “Import into”.</translation>
    </message>
    <message>
        <source>聊天</source>
        <translation>Chats</translation>
    </message>
    <message>
        <source>文件或社群</source>
        <translation>File or community</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Line</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>这些行或文件没有读取，其余照常导入。</source>
        <translation>These lines or files were not read; the rest is imported as usual.</translation>
    </message>
    <message>
        <source>无法读取</source>
        <translation>Unreadable</translation>
    </message>
    <message>
        <source>无法读取（{n}）</source>
        <translation>Unreadable ({n})</translation>
    </message>
    <message>
        <source>新成员（{n}）</source>
        <translation>New members ({n})</translation>
    </message>
    <message>
        <source>按群 ID 和群名自动对应</source>
        <translation>Match by chat ID and group name</translation>
    </message>
    <message>
        <source>不计为行为</source>
        <translation>Not activity</translation>
    </message>
    <message>
        <source>撤回</source>
        <translation>Recalls</translation>
    </message>
    <message>
        <source>拍一拍</source>
        <translation>Pats</translation>
    </message>
    <message>
        <source>领红包</source>
        <translation>Red packets claimed</translation>
    </message>
    <message>
        <source>其他系统消息</source>
        <translation>Other system messages</translation>
    </message>
    <message>
        <source>另有 {n} 行</source>
        <translation>More lines: {n}</translation>
    </message>
    <message>
        <source>待确认（{n}）</source>
        <translation>To confirm ({n})</translation>
    </message>
    <message>
        <source>请选择（未回答：不导入）</source>
        <translation>Choose (unanswered: not imported)</translation>
    </message>
    <message>
        <source>导出账号是哪位成员：成员编号或 wxid</source>
        <translation>Which member exported this: member number or wxid</translation>
    </message>
    <message>
        <source>新成员（另一个同名的人）</source>
        <translation>New member (someone else of that name)</translation>
    </message>
    <message>
        <source>最近活跃 {day}</source>
        <translation>last active {day}</translation>
    </message>
    <message>
        <source>{name}（{facts}）</source>
        <translation>{name} ({facts})</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>ChatRhythmSection</name>
    <message>
        <source>群聊活跃时段（成员发言，按星期和小时）</source>
        <translation>When the group talks (members&apos; messages by weekday and hour)</translation>
    </message>
    <message>
        <source>还没有导入群聊记录</source>
        <translation>No chat history imported yet</translation>
    </message>
    <message>
        <source>群聊记录只有日期，没有具体时间</source>
        <translation>The chat history has dates only, no times of day</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>{day} {hour}:00</source>
        <translation>{day} {hour}:00</translation>
    </message>
    <message>
        <source>最佳发送时间：{slots}</source>
        <translation>Best times to post: {slots}</translation>
    </message>
    <message>
        <source>最佳发送时间：{reason}</source>
        <translation>Best times to post: {reason}</translation>
    </message>
</context>
<context>
    <name>ColorField</name>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>选择颜色…</source>
        <translation>Choose colour…</translation>
    </message>
    <message>
        <source>颜色应为 #RRGGBB，例如 #ff6600</source>
        <translation>A colour is #RRGGBB, for example #ff6600</translation>
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
        <source>还没有社群</source>
        <translation>No communities yet</translation>
    </message>
    <message>
        <source>先把你的微信群、企业微信客户群登记进来：名称、人数上限和群二维码。</source>
        <translation>Start by adding your WeChat and WeCom customer groups: name, member cap and group QR code.</translation>
    </message>
    <message>
        <source>新建社群…</source>
        <translation>New community…</translation>
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
    <message numerus="yes">
        <source>「{name}」有 %Ln 名成员和入群历史。删除后移到回收站，成员记录都会保留，可以随时恢复。</source>
        <translation>
            <numerusform>“{name}” has %Ln member and a join history. It will be moved to the trash with all its records kept, and can be restored at any time.</numerusform>
            <numerusform>“{name}” has %Ln members and a join history. It will be moved to the trash with all its records kept, and can be restored at any time.</numerusform>
        </translation>
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
        <source>管理员</source>
        <translation>Admins</translation>
    </message>
    <message>
        <source>输入名字添加管理员</source>
        <translation>Type a name to add an admin</translation>
    </message>
    <message>
        <source>移除所选</source>
        <translation>Remove selected</translation>
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
        <source>平台默认：微信群 {wechat}，企业微信群 {wecom}</source>
        <translation>Platform default: WeChat {wechat}, WeCom {wecom}</translation>
    </message>
</context>
<context>
    <name>ComparisonPage</name>
    <message>
        <source>勾选要对比的活动（2–4 个）</source>
        <translation>Tick the campaigns to compare (2–4)</translation>
    </message>
    <message>
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <source>对比</source>
        <translation>Compare</translation>
    </message>
    <message>
        <source>在左侧活动列表中选中的活动</source>
        <translation>The campaign picked in the list on the left</translation>
    </message>
    <message>
        <source>最多同时对比 {count} 个活动</source>
        <translation>At most {count} campaigns side by side</translation>
    </message>
    <message>
        <source>先在左侧选一个活动</source>
        <translation>Pick a campaign on the left first</translation>
    </message>
    <message>
        <source>再勾选 1–3 个活动，与当前活动并排对比</source>
        <translation>Tick 1–3 more campaigns to compare with this one</translation>
    </message>
    <message>
        <source>“—”：该活动没有这项数据（如外部工具导入的活动没有波次）</source>
        <translation>“—”: the campaign has no such figure (one imported from another tool has no waves)</translation>
    </message>
    <message>
        <source>导出 Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <source>活动对比.xlsx</source>
        <translation>campaign comparison.xlsx</translation>
    </message>
    <message>
        <source>已导出到 {path}</source>
        <translation>Exported to {path}</translation>
    </message>
</context>
<context>
    <name>CopyWarnings</name>
    <message>
        <source>文案风险（微信诱导分享规则）</source>
        <translation>Copy risks (WeChat rules on inducing shares)</translation>
    </message>
    <message>
        <source>「{layer}」：{phrase} — {reason}</source>
        <translation>“{layer}”: {phrase} — {reason}</translation>
    </message>
</context>
<context>
    <name>DayLineChart</name>
    <message>
        <source>M月d日</source>
        <translation>MMM d</translation>
    </message>
</context>
<context>
    <name>FillEditor</name>
    <message>
        <source>纯色</source>
        <translation>Solid colour</translation>
    </message>
    <message>
        <source>渐变</source>
        <translation>Gradient</translation>
    </message>
    <message>
        <source>无填充</source>
        <translation>No fill</translation>
    </message>
    <message>
        <source>0° 从下到上，90° 从左到右，180° 从上到下</source>
        <translation>0° bottom to top, 90° left to right, 180° top to bottom</translation>
    </message>
    <message>
        <source>添加色标</source>
        <translation>Add colour stop</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>效果</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>角度</source>
        <translation>Angle</translation>
    </message>
    <message>
        <source>色标</source>
        <translation>Colour stops</translation>
    </message>
</context>
<context>
    <name>FillGroup</name>
    <message>
        <source>填充</source>
        <translation>Fill</translation>
    </message>
</context>
<context>
    <name>FlowChart</name>
    <message>
        <source>升级</source>
        <translation>Promoted</translation>
    </message>
    <message>
        <source>保持</source>
        <translation>Stayed</translation>
    </message>
    <message>
        <source>降级</source>
        <translation>Demoted</translation>
    </message>
    <message>
        <source>离开</source>
        <translation>Left</translation>
    </message>
</context>
<context>
    <name>FontChooser</name>
    <message>
        <source>内置字体（{family}）</source>
        <translation>Built-in font ({family})</translation>
    </message>
    <message>
        <source>随程序提供，中文齐全，在任何电脑上效果一致</source>
        <translation>Shipped with the program: all Chinese characters, looks the same on every computer</translation>
    </message>
    <message>
        <source>{name}（不含中文）</source>
        <translation>{name} (no Chinese)</translation>
    </message>
    <message>
        <source>正在查找本机字体…</source>
        <translation>Looking for this computer&apos;s fonts…</translation>
    </message>
    <message>
        <source>{name}（模板自带）</source>
        <translation>{name} (in the template)</translation>
    </message>
    <message>
        <source>{name}（本机找不到）</source>
        <translation>{name} (not found on this computer)</translation>
    </message>
</context>
<context>
    <name>ForecastPage</name>
    <message>
        <source>未来 </source>
        <translation>Next </translation>
    </message>
    <message>
        <source>实测数据不足时（如活动开始前）用这个 K 预测</source>
        <translation>The K used while there is too little data to measure (before the start, say)</translation>
    </message>
    <message>
        <source> 小时</source>
        <translation> h</translation>
    </message>
    <message>
        <source>实测数据不足时用的每代时长：邀请人入群到被邀请人入群</source>
        <translation>Hours per generation used while there is too little data: from an inviter&apos;s joining to their invitee&apos;s</translation>
    </message>
    <message>
        <source>预测</source>
        <translation>Forecast</translation>
    </message>
    <message>
        <source>计划 K</source>
        <translation>Planned K</translation>
    </message>
    <message>
        <source>每代</source>
        <translation>Generation</translation>
    </message>
    <message>
        <source>没有可预测的数据</source>
        <translation>Nothing to forecast</translation>
    </message>
    <message>
        <source>每天入群人数</source>
        <translation>Joins per day</translation>
    </message>
    <message>
        <source>预测的假设</source>
        <translation>What the forecast assumes</translation>
    </message>
    <message>
        <source>预算与奖品</source>
        <translation>Budget and prizes</translation>
    </message>
    <message>
        <source>群</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>开群</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>达扫码上限</source>
        <translation>QR scan cap on</translation>
    </message>
    <message>
        <source>达人数上限</source>
        <translation>Member cap on</translation>
    </message>
    <message>
        <source>预计入群</source>
        <translation>Expected joins</translation>
    </message>
    <message>
        <source>活动没有目标群：新成员将进入新开的群</source>
        <translation>The campaign has no target group: newcomers go into new groups</translation>
    </message>
    <message>
        <source>需要新开 {count} 个群，第一个最晚 {day} 开好</source>
        <translation>Open {count} new groups, the first by {day}</translation>
    </message>
    <message>
        <source>预测期内现有目标群够用</source>
        <translation>The target groups have room for the whole forecast</translation>
    </message>
    <message>
        <source>；只列出前 {groups} 个新群，另有约 {people} 人</source>
        <translation>; only the first {groups} new groups are listed, about {people} more people beyond them</translation>
    </message>
    <message>
        <source>{days} 天共约 {joins} 人入群，奖励成本约 ¥{cost}</source>
        <translation>About {joins} joins in {days} days, rewards about ¥{cost}</translation>
    </message>
    <message>
        <source>总预算将在 {day} 用完</source>
        <translation>The total budget runs out on {day}</translation>
    </message>
    <message>
        <source>{count} 天超出每日预算，最早 {day}</source>
        <translation>Over the daily budget on {count} days, first {day}</translation>
    </message>
    <message>
        <source>奖品库存将在 {day} 发完</source>
        <translation>The prize stock runs out on {day}</translation>
    </message>
    <message>
        <source>预测期内预算与奖品够用</source>
        <translation>Budget and prizes last the whole forecast</translation>
    </message>
    <message>
        <source>新群 {number}</source>
        <translation>New group {number}</translation>
    </message>
    <message>
        <source>已有</source>
        <translation>Exists</translation>
    </message>
    <message>
        <source>{day} 前</source>
        <translation>by {day}</translation>
    </message>
</context>
<context>
    <name>FulfilmentPage</name>
    <message>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>输入兑换码核销</source>
        <translation>Enter a redemption code to mark it used</translation>
    </message>
    <message>
        <source>标记已发放</source>
        <translation>Mark delivered</translation>
    </message>
    <message>
        <source>取消并退还积分…</source>
        <translation>Cancel and refund points…</translation>
    </message>
    <message>
        <source>核销</source>
        <translation>Mark used</translation>
    </message>
    <message>
        <source>兑换时间</source>
        <translation>Redeemed at</translation>
    </message>
    <message>
        <source>兑换码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>奖品</source>
        <translation>Reward</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>发放时间</source>
        <translation>Delivered at</translation>
    </message>
    <message>
        <source>核销/取消时间</source>
        <translation>Used/cancelled at</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>这个状态下没有兑换记录</source>
        <translation>No redemptions with this status</translation>
    </message>
    <message>
        <source>成员在「成员对账单」里用积分兑换奖品后，兑换记录出现在这里，发放、核销或取消都在这里办。</source>
        <translation>When a member redeems points for a reward on the Member statement page, the redemption appears here, to deliver, mark used or cancel.</translation>
    </message>
    <message>
        <source>兑换发放</source>
        <translation>Fulfilment</translation>
    </message>
    <message>
        <source>请先选择一条兑换记录</source>
        <translation>Select a redemption first</translation>
    </message>
    <message>
        <source>正在更新兑换状态…</source>
        <translation>Updating the redemption…</translation>
    </message>
    <message>
        <source>取消兑换</source>
        <translation>Cancel redemption</translation>
    </message>
    <message numerus="yes">
        <source>取消兑换 {code}（{reward}），%n 积分将退还给成员。原因：</source>
        <translation>
            <numerusform>Cancel redemption {code} ({reward}); %n point goes back to the member. Reason:</numerusform>
            <numerusform>Cancel redemption {code} ({reward}); %n points go back to the member. Reason:</numerusform>
        </translation>
    </message>
    <message>
        <source>正在核销…</source>
        <translation>Marking as used…</translation>
    </message>
    <message>
        <source>兑换码 {result} 已核销</source>
        <translation>Redemption code {result} marked as used</translation>
    </message>
</context>
<context>
    <name>FunnelView</name>
    <message>
        <source>人数</source>
        <translation>People</translation>
    </message>
    <message>
        <source>还算不出来</source>
        <translation>Not known yet</translation>
    </message>
    <message>
        <source>可计 {count} 人：{reason}</source>
        <translation>Only {count} can be counted: {reason}</translation>
    </message>
    <message>
        <source>{stage}：{value}</source>
        <translation>{stage}: {value}</translation>
    </message>
    <message>
        <source>{stage}：{value}（{why}）</source>
        <translation>{stage}: {value} ({why})</translation>
    </message>
    <message>
        <source>还不能查看成员</source>
        <translation>No members to show yet</translation>
    </message>
    <message>
        <source>{stage}：{count} 人</source>
        <translation>{stage}: {count}</translation>
    </message>
    <message>
        <source>占上一步 {share}</source>
        <translation>{share} of the step before</translation>
    </message>
    <message>
        <source>金额 ¥{amount}</source>
        <translation>Amount ¥{amount}</translation>
    </message>
    <message>
        <source>点击查看这些成员</source>
        <translation>Click to see these members</translation>
    </message>
</context>
<context>
    <name>GrowthChart</name>
    <message>
        <source>选择一个社群查看成员增长</source>
        <translation>Choose a community to see its growth</translation>
    </message>
</context>
<context>
    <name>HeatGrid</name>
    <message>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>共 {count} 条成员发言</source>
        <translation>{count} member messages in all</translation>
    </message>
    <message>
        <source>{count} 条只有日期（从 Windows 复制），不计入时段</source>
        <translation>{count} with a date only (copied from Windows), not counted in any hour</translation>
    </message>
    <message>
        <source>没有数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>{count} 条</source>
        <translation>messages: {count}</translation>
    </message>
    <message>
        <source>{day} {start}:00–{end}:00：{count}</source>
        <translation>{day} {start}:00–{end}:00: {count}</translation>
    </message>
</context>
<context>
    <name>HolidayBanner</name>
    <message>
        <source>粘贴放假通知…</source>
        <translation>Paste holiday notice…</translation>
    </message>
</context>
<context>
    <name>ImageGroup</name>
    <message>
        <source>图片</source>
        <translation>Picture</translation>
    </message>
    <message>
        <source>移除图片</source>
        <translation>Remove picture</translation>
    </message>
    <message>
        <source>铺满（裁掉多余部分）</source>
        <translation>Cover (cropped to fill)</translation>
    </message>
    <message>
        <source>完整显示（留空白）</source>
        <translation>Contain (whole picture, with margins)</translation>
    </message>
    <message>
        <source>缩放方式</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>圆角</source>
        <translation>Corner radius</translation>
    </message>
    <message>
        <source>未选择图片</source>
        <translation>No picture chosen</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>导入成员名单</source>
        <translation>Import member list</translation>
    </message>
    <message>
        <source>选择要导入的成员名单</source>
        <translation>Choose the member list to import</translation>
    </message>
    <message>
        <source>支持企业微信、有赞、LinkWeChat、群成员导出工具和手工整理的表格：.xlsx .xls .ods .csv，以及企业微信接口保存的 JSON。标题行、合并单元格、GBK 编码、手机号变成数字都没关系。
先预览：导入前会列出将新增、更新、有问题的每一行，确认后才写入；导入要么全部完成，要么什么都不改。</source>
        <translation>Exports from WeCom, Youzan, LinkWeChat, group-member tools and hand-made spreadsheets work: .xlsx .xls .ods .csv, and JSON saved from the WeCom API. Title rows, merged cells, GBK encoding and phones stored as numbers are all fine.
Preview first: every row to add, update or with a problem is listed before anything is written, and an import either completes entirely or changes nothing.</translation>
    </message>
    <message>
        <source>把文件拖到这里，或者</source>
        <translation>Drop a file here, or</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>按文件内容识别所在群</source>
        <translation>Take the group from the file</translation>
    </message>
    <message>
        <source>或输入新社群的名字</source>
        <translation>or type the name of a new community</translation>
    </message>
    <message>
        <source>预览导入结果</source>
        <translation>Preview import</translation>
    </message>
    <message>
        <source>导入到社群：</source>
        <translation>Import into community:</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>选择成员名单</source>
        <translation>Choose a member list</translation>
    </message>
    <message>
        <source>成员名单 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.json);;所有文件 (*)</source>
        <translation>Member lists (*.xlsx *.xlsm *.xls *.ods *.csv *.txt *.json);;All files (*)</translation>
    </message>
    <message>
        <source>文件：{name}</source>
        <translation>File: {name}</translation>
    </message>
    <message>
        <source>正在读取并检查每一行…</source>
        <translation>Reading and checking every row…</translation>
    </message>
    <message>
        <source>全部行</source>
        <translation>All rows</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>每一行</source>
        <translation>Rows</translation>
    </message>
    <message>
        <source>待确认</source>
        <translation>To confirm</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Handling</translation>
    </message>
    <message>
        <source>整行不导入</source>
        <translation>Row not imported</translation>
    </message>
    <message>
        <source>只跳过这一项</source>
        <translation>Only this value skipped</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problems</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>将新建</source>
        <translation>Will be created</translation>
    </message>
    <message>
        <source>已有</source>
        <translation>Existing</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>退群</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>可能是</source>
        <translation>Possibly</translation>
    </message>
    <message>
        <source>可能重复</source>
        <translation>Possible duplicates</translation>
    </message>
    <message>
        <source>列对应</source>
        <translation>Columns</translation>
    </message>
    <message>
        <source>保存问题清单…</source>
        <translation>Save problem list…</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>每一列导入到哪个字段。改好后按「按新的对应重新预览」；导入后，同样表头的文件下次会自动用这次的对应。</source>
        <translation>Which field each column goes to. After changing it, press “Preview with these columns”; once imported, files with the same header use this mapping automatically.</translation>
    </message>
    <message>
        <source>表头</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>按新的对应重新预览</source>
        <translation>Preview with these columns</translation>
    </message>
    <message>
        <source>这些行的手机号属于一位现有成员，昵称却不同：可能是同一人改了昵称，也可能是另一个人（号码换了主人或填错了）。请逐行回答，回答后按「按回答更新预览」；没有回答的行不会导入。</source>
        <translation>The phone on these rows belongs to an existing member with a different nickname: the same person who changed their nickname, or another person (a number that changed hands or was mistyped). Answer each row, then press “Update the preview with the answers”; unanswered rows are not imported.</translation>
    </message>
    <message>
        <source>文件里的昵称</source>
        <translation>Nickname in the file</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>手机号现属于</source>
        <translation>Phone belongs to</translation>
    </message>
    <message>
        <source>回答</source>
        <translation>Answer</translation>
    </message>
    <message>
        <source>全部：</source>
        <translation>All:</translation>
    </message>
    <message>
        <source>都是同一人</source>
        <translation>All the same person</translation>
    </message>
    <message>
        <source>都是另一个人</source>
        <translation>All another person</translation>
    </message>
    <message>
        <source>都跳过</source>
        <translation>Skip all</translation>
    </message>
    <message>
        <source>按回答更新预览</source>
        <translation>Update the preview with the answers</translation>
    </message>
    <message>
        <source>请选择（未回答：不导入）</source>
        <translation>Choose (unanswered: not imported)</translation>
    </message>
    <message>
        <source>是同一人：更新这位成员</source>
        <translation>Same person: update this member</translation>
    </message>
    <message>
        <source>是另一个人：新建成员，不写手机号</source>
        <translation>Another person: new member, without the phone</translation>
    </message>
    <message>
        <source>跳过这一行</source>
        <translation>Skip this row</translation>
    </message>
    <message>
        <source>「{nickname}」（#{id}）</source>
        <translation>“{nickname}” (#{id})</translation>
    </message>
    <message>
        <source>待确认（{n}）</source>
        <translation>To confirm ({n})</translation>
    </message>
    <message>
        <source>{nickname}（{sheet} 第 {row} 行）</source>
        <translation>{nickname} ({sheet}, row {row})</translation>
    </message>
    <message>
        <source>{nickname}（#{id}）</source>
        <translation>{nickname} (#{id})</translation>
    </message>
    <message>
        <source>（空）</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message>
        <source>{field} {new}</source>
        <translation>{field} {new}</translation>
    </message>
    <message>
        <source>{field}：{old} → {new}</source>
        <translation>{field}: {old} → {new}</translation>
    </message>
    <message>
        <source>同 {sheet} 第 {row} 行</source>
        <translation>Same as {sheet} row {row}</translation>
    </message>
    <message>
        <source>新增 {added} · 更新 {updated} · 无变化 {unchanged} · 同一人 {linked} · 有问题 {rejected} · 入群 {joined} · 退群 {left}</source>
        <translation>New {added} · Updated {updated} · Unchanged {unchanged} · Same person {linked} · Problems {rejected} · Joins {joined} · Leaves {left}</translation>
    </message>
    <message>
        <source> · 待确认 {doubtful}（未导入）</source>
        <translation> · to confirm {doubtful} (not imported)</translation>
    </message>
    <message numerus="yes">
        <source>%n 行手机号与昵称对不上，没有导入。</source>
        <translation>
            <numerusform>%n row whose phone and nickname disagree was not imported.</numerusform>
            <numerusform>%n rows whose phone and nickname disagree were not imported.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>期初积分记入积分台账：%n 人，共 {points} 分。</source>
        <translation>
            <numerusform>Opening points added to the ledger: %n member, {points} points in all.</numerusform>
            <numerusform>Opening points added to the ledger: %n members, {points} points in all.</numerusform>
        </translation>
    </message>
    <message>
        <source>没有可导入的变化</source>
        <translation>Nothing to import</translation>
    </message>
    <message numerus="yes">
        <source>文件：{name}，共 %n 行</source>
        <translation>
            <numerusform>File: {name}, %n row</numerusform>
            <numerusform>File: {name}, %n rows</numerusform>
        </translation>
    </message>
    <message>
        <source>保存问题清单</source>
        <translation>Save problem list</translation>
    </message>
    <message>
        <source>Excel 表格 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>正在导入…（取消则什么都不改）</source>
        <translation>Importing… (cancelling changes nothing)</translation>
    </message>
    <message>
        <source>已取消导入，数据没有改动</source>
        <translation>Import cancelled; nothing was changed</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>导入完成：新增 {added} 人，更新 {updated} 人，入群 {joined} 次，退群 {left} 次，新建社群 {created} 个。</source>
        <translation>Import complete. Members added: {added}, updated: {updated}; joins: {joined}, leaves: {left}; communities created: {created}.</translation>
    </message>
</context>
<context>
    <name>ItemEditor</name>
    <message>
        <source>编辑内容</source>
        <translation>Edit content</translation>
    </message>
    <message>
        <source>新建内容</source>
        <translation>New content</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>状态与审核</source>
        <translation>Status and review</translation>
    </message>
    <message>
        <source>结果与备注</source>
        <translation>Results and notes</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>例如：周三干货分享</source>
        <translation>e.g. Wednesday tips</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>计划时间</source>
        <translation>Planned time</translation>
    </message>
    <message>
        <source>发到社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>默认是你</source>
        <translation>You, unless changed</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>（不属于活动）</source>
        <translation>(no campaign)</translation>
    </message>
    <message>
        <source>所属活动</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <source>推广内容（计入每群每天的推广上限）</source>
        <translation>Promotional (counts towards each group&apos;s daily limit)</translation>
    </message>
    <message>
        <source>常青内容（发送后可以再次排期）</source>
        <translation>Evergreen (can be scheduled again after it is sent)</translation>
    </message>
    <message>
        <source>要发到群里的文字</source>
        <translation>The text to post in the groups</translation>
    </message>
    <message>
        <source>正文</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>已发送的内容不能再改标题、类型、时间、社群和正文。</source>
        <translation>Sent content keeps its title, type, time, communities and text.</translation>
    </message>
    <message>
        <source>新内容先存为草稿；保存后可以排期或提交审核。</source>
        <translation>New content is saved as a draft; schedule it or submit it for review after saving.</translation>
    </message>
    <message>
        <source>当前状态：{status}</source>
        <translation>Status: {status}</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>驳回</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>审核意见（驳回时必填）</source>
        <translation>Review note (required to reject)</translation>
    </message>
    <message>
        <source>已开启审核：排期前需要审核通过。</source>
        <translation>Approval is on: content must be approved before it is scheduled.</translation>
    </message>
    <message>
        <source>审核备注（仅团队可见，不会随内容发出）</source>
        <translation>Reviewer notes (for the team only, never sent with the content)</translation>
    </message>
    <message>
        <source>历史</source>
        <translation>History</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source> 天后</source>
        <translation> days later</translation>
    </message>
    <message>
        <source>再次排期</source>
        <translation>Schedule again</translation>
    </message>
    <message>
        <source>常青内容：按发送后的天数生成一条新的排期，原内容不变</source>
        <translation>Evergreen: plans a new item this many days after it was sent; this one stays as it is</translation>
    </message>
    <message>
        <source>常青内容：</source>
        <translation>Evergreen:</translation>
    </message>
    <message>
        <source>回复数</source>
        <translation>Replies</translation>
    </message>
    <message>
        <source>进群人数</source>
        <translation>Joins</translation>
    </message>
    <message>
        <source>销售额</source>
        <translation>Sales</translation>
    </message>
    <message>
        <source>发送之后再记录结果。</source>
        <translation>Record the results once it is sent.</translation>
    </message>
    <message>
        <source>复盘记录、注意事项……</source>
        <translation>Review notes, things to watch…</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>请写内容标题</source>
        <translation>Please enter a title</translation>
    </message>
    <message>
        <source>提交审核</source>
        <translation>Submit for review</translation>
    </message>
    <message>
        <source>排期</source>
        <translation>Schedule</translation>
    </message>
    <message>
        <source>取消排期</source>
        <translation>Unschedule</translation>
    </message>
    <message>
        <source>标记已复盘</source>
        <translation>Mark reviewed</translation>
    </message>
    <message>
        <source>创建</source>
        <translation>Created</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Edited</translation>
    </message>
    <message>
        <source>改时间</source>
        <translation>Rescheduled</translation>
    </message>
    <message>
        <source>已提交审核</source>
        <translation>Submitted for review</translation>
    </message>
    <message>
        <source>审核通过</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>审核驳回</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>已排期</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <source>已发送</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>已复盘</source>
        <translation>Reviewed</translation>
    </message>
    <message>
        <source>未审核退回</source>
        <translation>Returned unreviewed</translation>
    </message>
    <message>
        <source>已取消排期</source>
        <translation>Unscheduled</translation>
    </message>
</context>
<context>
    <name>JournalPage</name>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部时间</source>
        <translation>All time</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>近 7 天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <source>近 30 天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>近 90 天</source>
        <translation>Last 90 days</translation>
    </message>
    <message>
        <source>原因、关联或成员</source>
        <translation>Reason, reference or member</translation>
    </message>
    <message>
        <source>筛选</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>计入等级</source>
        <translation>Qualifying</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>关联</source>
        <translation>Reference</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>流水号</source>
        <translation>Entry no.</translation>
    </message>
    <message>
        <source>显示最新 {n} 条；缩小筛选范围或导出 Excel 查看全部</source>
        <translation>Showing the latest {n}; narrow the filter or export to Excel to see them all</translation>
    </message>
    <message numerus="yes">
        <source>共 %n 条</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>KpiCard</name>
    <message>
        <source>点击查看这些成员</source>
        <translation>Click to see these members</translation>
    </message>
    <message>
        <source>上期无可比数据</source>
        <translation>Nothing to compare with last period</translation>
    </message>
    <message>
        <source>{points} 个百分点</source>
        <translation>{points} pts</translation>
    </message>
    <message>
        <source>较上期 {change}</source>
        <translation>{change} vs last period</translation>
    </message>
</context>
<context>
    <name>LadderDialog</name>
    <message>
        <source>活跃天数</source>
        <translation>Active days</translation>
    </message>
    <message>
        <source>签到天数</source>
        <translation>Check-in days</translation>
    </message>
    <message>
        <source>发言次数</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>成功邀请</source>
        <translation>Invites</translation>
    </message>
    <message>
        <source>购买次数</source>
        <translation>Purchases</translation>
    </message>
    <message>
        <source>获得积分</source>
        <translation>Points earned</translation>
    </message>
    <message>
        <source>等级规则（通用）</source>
        <translation>Level rules (shared)</translation>
    </message>
    <message>
        <source>等级规则 · {name}</source>
        <translation>Level rules · {name}</translation>
    </message>
    <message>
        <source>保存的等级规则无法读取（{problem}），下面显示的是默认规则。</source>
        <translation>The saved level rules could not be read ({problem}); the default rules are shown below.</translation>
    </message>
    <message>
        <source>基本设置</source>
        <translation>General settings</translation>
    </message>
    <message>
        <source>等级（从低到高）</source>
        <translation>Levels (lowest to highest)</translation>
    </message>
    <message>
        <source>通用规则</source>
        <translation>Shared rules</translation>
    </message>
    <message>
        <source>所有没有单独设置等级规则的社群都使用这套规则。</source>
        <translation>Every community without level rules of its own uses these rules.</translation>
    </message>
    <message>
        <source>本群使用单独的等级规则</source>
        <translation>This group has its own level rules</translation>
    </message>
    <message>
        <source>不使用</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>统计周期（天）</source>
        <translation>Rolling window (days)</translation>
    </message>
    <message>
        <source>「近期门槛」统计最近这么多天里的数据。</source>
        <translation>“Recent thresholds” count the figures of this many most recent days.</translation>
    </message>
    <message>
        <source>保级线</source>
        <translation>Low-water mark</translation>
    </message>
    <message>
        <source>近期数据低于门槛的这个比例才降级，免得在门槛附近反复升降。例如 90%：门槛是发言 30 次，少于 27 次才降级。</source>
        <translation>Members are demoted only when their recent figures fall below this share of a threshold, so nobody bounces up and down around it. E.g. 90%: with a threshold of 30 messages, demotion comes below 27.</translation>
    </message>
    <message>
        <source>升级保护期（天）</source>
        <translation>Grace period after promotion (days)</translation>
    </message>
    <message>
        <source>升级后这么多天内不会降级。</source>
        <translation>No demotion for this many days after a promotion.</translation>
    </message>
    <message>
        <source>冷启动人数</source>
        <translation>Cold-start group size</translation>
    </message>
    <message>
        <source>社群人数少于这个数时，新成员直接从第二个等级起步；填 0 不使用。</source>
        <translation>While a community has fewer members than this, newcomers start at the second level; 0 turns this off.</translation>
    </message>
    <message>
        <source>成员升到满足全部门槛的最高等级（同一等级的门槛要同时达到），填 0 表示不限。第一个等级是每个人的起点；勾选「仅手动」的等级（如 KOC/KOL）不会自动升入，只能在成员详情里指定。</source>
        <translation>Members rise to the highest level whose thresholds they meet (all of a level&apos;s thresholds together); 0 means no requirement. The first level is everyone&apos;s starting point; levels ticked “Manual only” (such as KOC/KOL) are never reached automatically and can only be given in the member&apos;s details.</translation>
    </message>
    <message>
        <source>累计门槛（入群以来）</source>
        <translation>All-time thresholds (since joining)</translation>
    </message>
    <message>
        <source>统计周期内的数据：最近一段时间不活跃会降级</source>
        <translation>Figures within the rolling window: members who go quiet are demoted</translation>
    </message>
    <message>
        <source>入群以来的累计数据：只增不减，用来要求资历</source>
        <translation>Totals since joining: they only grow, so they set a seniority requirement</translation>
    </message>
    <message>
        <source>等级名称</source>
        <translation>Level name</translation>
    </message>
    <message>
        <source>仅手动</source>
        <translation>Manual only</translation>
    </message>
    <message>
        <source>累计{metric}</source>
        <translation>{metric}</translation>
    </message>
    <message>
        <source>双击修改名称</source>
        <translation>Double-click to rename</translation>
    </message>
    <message>
        <source>只能手动指定的等级（如 KOC/KOL）：不会自动升入，也不会自动降级</source>
        <translation>A level given by hand only (such as KOC/KOL): never reached or left automatically</translation>
    </message>
    <message>
        <source>添加等级</source>
        <translation>Add level</translation>
    </message>
    <message>
        <source>删除等级</source>
        <translation>Remove level</translation>
    </message>
    <message>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <source>在「仅手动」的等级之前添加一个新等级</source>
        <translation>Add a new level before the “Manual only” levels</translation>
    </message>
    <message>
        <source>第一个等级不能删除。原在被删等级的成员，下次重新计算时按规则重新定级。</source>
        <translation>The first level cannot be removed. Members of a removed level are placed again by the rules at the next recalculation.</translation>
    </message>
    <message>
        <source>换回程序自带的等级规则（点确定后才保存）</source>
        <translation>Go back to the built-in level rules (saved only when you click OK)</translation>
    </message>
    <message>
        <source>第一个等级是每个人的起点，没有门槛</source>
        <translation>The first level is everyone&apos;s starting point and has no thresholds</translation>
    </message>
    <message>
        <source>新等级</source>
        <translation>New level</translation>
    </message>
    <message>
        <source>下面的规则只对「{name}」生效。取消勾选并点确定，本群改回使用通用规则。</source>
        <translation>The rules below apply to “{name}” only. Untick the box and click OK to put this group back on the shared rules.</translation>
    </message>
    <message>
        <source>本群现在使用通用规则（下面显示的就是，只能在通用规则里修改）。勾选后可为本群单独设置。</source>
        <translation>This group uses the shared rules (shown below; they can only be changed in the shared rules). Tick the box to give this group rules of its own.</translation>
    </message>
    <message>
        <source>近期门槛（最近 {days} 天）</source>
        <translation>Recent thresholds (last {days} days)</translation>
    </message>
    <message>
        <source>有两个等级都叫「{name}」，请改成不同的名称</source>
        <translation>Two levels are both called “{name}”: give them different names</translation>
    </message>
</context>
<context>
    <name>LayerGroup</name>
    <message>
        <source>每位会员自己的图片（{src}）</source>
        <translation>Each member&apos;s own picture ({src})</translation>
    </message>
    <message>
        <source>已选图片：{name}</source>
        <translation>Picture: {name}</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <source>背景</source>
        <translation>Background</translation>
    </message>
    <message>
        <source>隐藏</source>
        <translation>Hide</translation>
    </message>
    <message>
        <source>隐藏或显示图层</source>
        <translation>Hide or show the layer</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>锁定后不能在画布上移动</source>
        <translation>A locked layer cannot be moved on the canvas</translation>
    </message>
    <message>
        <source>上移</source>
        <translation>Up</translation>
    </message>
    <message>
        <source>移到上一层（更靠前）</source>
        <translation>Move one layer up (to the front)</translation>
    </message>
    <message>
        <source>下移</source>
        <translation>Down</translation>
    </message>
    <message>
        <source>移到下一层（更靠后）</source>
        <translation>Move one layer down (to the back)</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>添加文字、图片、二维码、头像或形状</source>
        <translation>Add text, a picture, a QR code, an avatar or a shape</translation>
    </message>
    <message>
        <source>复制</source>
        <translation>Duplicate</translation>
    </message>
    <message>
        <source>复制图层（Ctrl+D）</source>
        <translation>Duplicate layer (Ctrl+D)</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>删除图层（Delete）</source>
        <translation>Delete layer (Delete)</translation>
    </message>
    <message>
        <source>未命名</source>
        <translation>Unnamed</translation>
    </message>
    <message>
        <source>  （{flags}）</source>
        <translation>  ({flags})</translation>
    </message>
    <message>
        <source>，</source>
        <translation>, </translation>
    </message>
    <message>
        <source>显示</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
</context>
<context>
    <name>LedgerPage</name>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>导出 Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <source>导出完成</source>
        <translation>Export complete</translation>
    </message>
    <message>
        <source>已导出 {members} 位成员、{entries} 笔流水到
{path}
手机号和微信号已打码。</source>
        <translation>Exported to
{path}
Members: {members}; entries: {entries}. Phones and WeChat IDs are masked.</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
</context>
<context>
    <name>LedgerTab</name>
    <message>
        <source>成员对账单</source>
        <translation>Member statement</translation>
    </message>
    <message>
        <source>积分流水</source>
        <translation>Points journal</translation>
    </message>
    <message>
        <source>积分规则</source>
        <translation>Points rules</translation>
    </message>
    <message>
        <source>积分商城</source>
        <translation>Rewards catalogue</translation>
    </message>
    <message>
        <source>兑换发放</source>
        <translation>Fulfilment</translation>
    </message>
    <message>
        <source>负债与到期</source>
        <translation>Liability and expiry</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
</context>
<context>
    <name>LevelCard</name>
    <message>
        <source>锁定等级（不随规则变化）</source>
        <translation>Lock level (the rules don&apos;t change it)</translation>
    </message>
    <message>
        <source>手动指定：</source>
        <translation>Set by hand:</translation>
    </message>
    <message>
        <source>升级为「{level}」的条件（近 {days} 天）：</source>
        <translation>To reach “{level}” (last {days} days):</translation>
    </message>
</context>
<context>
    <name>LevelPanel</name>
    <message>
        <source>等级：为什么是这个等级</source>
        <translation>Level: why this level</translation>
    </message>
    <message>
        <source>不在任何社群里，没有等级</source>
        <translation>Not in any community, so no level</translation>
    </message>
    <message>
        <source>团队成员（店主、员工）不参与分层统计</source>
        <translation>Team members (owner, staff) are left out of tiering</translation>
    </message>
    <message>
        <source>只显示前 {shown} 个群，共 {total} 个</source>
        <translation>Showing the first {shown} of {total} groups</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
</context>
<context>
    <name>LiabilityPage</name>
    <message>
        <source>未使用积分（负债）</source>
        <translation>Unused points (liability)</translation>
    </message>
    <message>
        <source>折合金额</source>
        <translation>Cash value</translation>
    </message>
    <message>
        <source>待生效积分</source>
        <translation>Pending points</translation>
    </message>
    <message>
        <source>持有积分的成员</source>
        <translation>Members holding points</translation>
    </message>
    <message>
        <source>30 天内到期</source>
        <translation>Expiring within 30 days</translation>
    </message>
    <message>
        <source>90 天内到期</source>
        <translation>Expiring within 90 days</translation>
    </message>
    <message>
        <source>每积分价值（元）</source>
        <translation>Value per point (¥)</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>兑换次数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>兑换积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>兑换成本</source>
        <translation>Cost</translation>
    </message>
    <message>
        <source>到期前 </source>
        <translation>Within </translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>到期积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>最早到期</source>
        <translation>First expiry</translation>
    </message>
    <message>
        <source>提醒消息</source>
        <translation>Reminder message</translation>
    </message>
    <message>
        <source>积分即将到期的成员</source>
        <translation>Members whose points expire soon</translation>
    </message>
    <message>
        <source>复制提醒消息</source>
        <translation>Copy reminder</translation>
    </message>
    <message>
        <source>每月兑换与成本</source>
        <translation>Redemptions and cost by month</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>已复制给 {name} 的提醒，可粘贴到微信发送</source>
        <translation>Reminder for {name} copied: paste it into WeChat to send it</translation>
    </message>
</context>
<context>
    <name>ListPage</name>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>to</translation>
    </message>
    <message>
        <source>计划时间</source>
        <translation>Planned time</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Campaign</translation>
    </message>
    <message>
        <source>推广</source>
        <translation>Promo</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>列表</source>
        <translation>List</translation>
    </message>
    <message>
        <source>全部社群</source>
        <translation>All communities</translation>
    </message>
    <message numerus="yes">
        <source>%n 条内容</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message>
        <source>已过时间</source>
        <translation>overdue</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>社群运营工作台</source>
        <translation>Community Workbench</translation>
    </message>
    <message>
        <source>正在打开数据库…</source>
        <translation>Opening the database…</translation>
    </message>
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
        <source>分层</source>
        <translation>Tiers</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Campaigns</translation>
    </message>
    <message>
        <source>内容日历</source>
        <translation>Calendar</translation>
    </message>
    <message>
        <source>海报</source>
        <translation>Posters</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>备份数据库(&amp;B)…</source>
        <translation>&amp;Back up database…</translation>
    </message>
    <message>
        <source>恢复备份(&amp;R)…</source>
        <translation>&amp;Restore backup…</translation>
    </message>
    <message>
        <source>打开数据文件夹</source>
        <translation>Open data folder</translation>
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
        <source>导入成员名单(&amp;I)…</source>
        <translation>&amp;Import member list…</translation>
    </message>
    <message>
        <source>导入群聊记录…</source>
        <translation>Import chat history…</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate demo data…</translation>
    </message>
    <message>
        <source>新建社群…</source>
        <translation>New community…</translation>
    </message>
    <message>
        <source>需要处理…</source>
        <translation>Needs attention…</translation>
    </message>
    <message>
        <source>社群回收站…</source>
        <translation>Community trash…</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>打开日志文件夹</source>
        <translation>Open log folder</translation>
    </message>
    <message>
        <source>关于(&amp;A)</source>
        <translation>&amp;About</translation>
    </message>
    <message numerus="yes">
        <source>%Ln 个社群</source>
        <translation>
            <numerusform>%Ln community</numerusform>
            <numerusform>%Ln communities</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln 名成员</source>
        <translation>
            <numerusform>%Ln member</numerusform>
            <numerusform>%Ln members</numerusform>
        </translation>
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
        <translation>Generate demo data</translation>
    </message>
    <message>
        <source>以后再说</source>
        <translation>Not now</translation>
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
        <source>&lt;h3&gt;社群运营工作台 {version}&lt;/h3&gt;&lt;p&gt;社群与成员、分层、积分、海报与报表。数据只保存在本机，不会上传。&lt;/p&gt;&lt;p&gt;数据库：{database}&lt;br&gt;数据文件夹：{data}&lt;br&gt;日志：{log}&lt;/p&gt;&lt;p&gt;内置字体 Noto Sans SC 与 Noto Emoji，SIL Open Font License 1.1。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Community Workbench {version}&lt;/h3&gt;&lt;p&gt;Communities and members, tiers, points, posters and reports. Your data stays on this computer and is never uploaded.&lt;/p&gt;&lt;p&gt;Database: {database}&lt;br&gt;Data folder: {data}&lt;br&gt;Log: {log}&lt;/p&gt;&lt;p&gt;Bundled fonts Noto Sans SC and Noto Emoji, SIL Open Font License 1.1.&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <source>需要处理 %n 项</source>
        <translation>
            <numerusform>%n item needs attention</numerusform>
            <numerusform>%n items need attention</numerusform>
        </translation>
    </message>
    <message>
        <source>已记录 {n} 条行为</source>
        <translation>Recorded {n} activity records</translation>
    </message>
</context>
<context>
    <name>MakeupDialog</name>
    <message>
        <source>补签</source>
        <translation>Make-up check-in</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>花费</source>
        <translation>Cost</translation>
    </message>
    <message numerus="yes">
        <source>%n 积分</source>
        <translation>
            <numerusform>%n point</numerusform>
            <numerusform>%n points</numerusform>
        </translation>
    </message>
    <message>
        <source>补签日期</source>
        <translation>Day to make up</translation>
    </message>
</context>
<context>
    <name>MaterialEditDialog</name>
    <message>
        <source>编辑素材</source>
        <translation>Edit material</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>逗号分隔</source>
        <translation>Comma-separated</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
</context>
<context>
    <name>MaterialPicker</name>
    <message>
        <source>选择素材</source>
        <translation>Choose materials</translation>
    </message>
    <message>
        <source>按住 Ctrl 或 Shift 可以选多个；新素材在「素材库」页添加。</source>
        <translation>Hold Ctrl or Shift to pick several; add new material on the Material library page.</translation>
    </message>
</context>
<context>
    <name>MaterialsPage</name>
    <message>
        <source>素材库</source>
        <translation>Material library</translation>
    </message>
    <message>
        <source>搜索标题、标签或拼音</source>
        <translation>Search title, tag or pinyin</translation>
    </message>
    <message>
        <source>全部标签</source>
        <translation>All tags</translation>
    </message>
    <message>
        <source>新素材的标签，逗号分隔</source>
        <translation>Tags for new files, comma-separated</translation>
    </message>
    <message>
        <source>添加…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>素材库还是空的</source>
        <translation>The material library is empty</translation>
    </message>
    <message>
        <source>把海报、产品图和活动规则放进来，排内容时直接挑选；也可以把文件拖到这里。</source>
        <translation>Put posters, product photos and event rules here to pick them when you plan content; you can also drop files here.</translation>
    </message>
    <message>
        <source>添加素材…</source>
        <translation>Add material…</translation>
    </message>
    <message>
        <source>没有符合条件的素材</source>
        <translation>No material matches</translation>
    </message>
    <message>
        <source>添加素材</source>
        <translation>Add material</translation>
    </message>
    <message>
        <source>正在加入素材库…</source>
        <translation>Adding to the material library…</translation>
    </message>
    <message>
        <source>已加入 {count} 个：{names}</source>
        <translation>Added {count}: {names}</translation>
    </message>
    <message>
        <source>素材库里已有：{names}</source>
        <translation>Already in the library: {names}</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>删除素材</source>
        <translation>Delete material</translation>
    </message>
    <message>
        <source>删除素材「{name}」？文件会从素材库文件夹中移除。</source>
        <translation>Delete the material “{name}”? Its file is removed from the library folder.</translation>
    </message>
    <message>
        <source>正在删除…</source>
        <translation>Deleting…</translation>
    </message>
    <message>
        <source>已删除素材「{name}」</source>
        <translation>Deleted the material “{name}”</translation>
    </message>
</context>
<context>
    <name>MemberDetailPanel</name>
    <message>
        <source>选择一位成员查看详情</source>
        <translation>Select a member to see the details</translation>
    </message>
    <message>
        <source>在左边的名单里点一位成员，这里就显示他的资料、所在社群和最近行为，可以直接修改。按住 Ctrl 或 Shift 多选，可以一起加标签、加入社群或生成海报。</source>
        <translation>Click a member in the list on the left to see their details, groups and recent activity here, and edit them. Hold Ctrl or Shift to select several and tag them, add them to a community or make posters for them together.</translation>
    </message>
    <message>
        <source>未知</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>未填写</source>
        <translation>Not set</translation>
    </message>
    <message>
        <source>团队成员</source>
        <translation>Team member</translation>
    </message>
    <message>
        <source>店主、员工等团队成员不计入成员统计和分层</source>
        <translation>Team members such as the owner and staff are left out of member statistics and tiering</translation>
    </message>
    <message>
        <source>用逗号或空格分隔</source>
        <translation>Separated by commas or spaces</translation>
    </message>
    <message>
        <source>每行一个，例如：会员卡号: 1024</source>
        <translation>One per line, e.g. Card number: 1024</translation>
    </message>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>企业微信 ID</source>
        <translation>WeCom ID</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>生日</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>城市</source>
        <translation>City</translation>
    </message>
    <message>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>自定义字段</source>
        <translation>Custom fields</translation>
    </message>
    <message>
        <source>保存修改</source>
        <translation>Save changes</translation>
    </message>
    <message>
        <source>撤销上次修改</source>
        <translation>Undo last edit</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>群昵称</source>
        <translation>Group nickname</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>退群</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>入退群记录</source>
        <translation>Join/leave history</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>行为</source>
        <translation>Activity</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>对所选成员可以：</source>
        <translation>With the selected members you can:</translation>
    </message>
    <message>
        <source>所在社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>最近行为</source>
        <translation>Recent activity</translation>
    </message>
    <message>
        <source>已选择 {n} 人</source>
        <translation>{n} selected</translation>
    </message>
    <message>
        <source>按住 Ctrl 点击可增减，Shift 点击可选一段</source>
        <translation>Ctrl+click adds or removes one, Shift+click selects a range</translation>
    </message>
    <message>
        <source>建档于 {date}</source>
        <translation>Added {date}</translation>
    </message>
    <message>
        <source>邀请人：{name}</source>
        <translation>Invited by {name}</translation>
    </message>
    <message>
        <source>最近活跃：{date}</source>
        <translation>Last active: {date}</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>正在撤销…</source>
        <translation>Undoing…</translation>
    </message>
</context>
<context>
    <name>MemberFilterBar</name>
    <message>
        <source>活跃：不限</source>
        <translation>Activity: any</translation>
    </message>
    <message>
        <source>近 7 天活跃</source>
        <translation>Active in 7 days</translation>
    </message>
    <message>
        <source>近 30 天活跃</source>
        <translation>Active in 30 days</translation>
    </message>
    <message>
        <source>14 天未活跃</source>
        <translation>Inactive 14 days</translation>
    </message>
    <message>
        <source>30 天未活跃</source>
        <translation>Inactive 30 days</translation>
    </message>
    <message>
        <source>90 天未活跃</source>
        <translation>Inactive 90 days</translation>
    </message>
    <message>
        <source>搜索昵称、备注、群昵称、微信号、拼音或首字母（zxf）、手机尾号</source>
        <translation>Search nickname, remark, group nickname, WeChat ID, pinyin or initials (zxf), phone&apos;s last digits</translation>
    </message>
    <message>
        <source>社群：全部</source>
        <translation>Community: all</translation>
    </message>
    <message>
        <source>标签：全部</source>
        <translation>Tag: all</translation>
    </message>
    <message>
        <source>角色：全部</source>
        <translation>Role: all</translation>
    </message>
    <message>
        <source>等级：全部</source>
        <translation>Level: all</translation>
    </message>
    <message>
        <source>手机号：不限</source>
        <translation>Phone: any</translation>
    </message>
    <message>
        <source>有手机号</source>
        <translation>Has phone</translation>
    </message>
    <message>
        <source>无手机号</source>
        <translation>No phone</translation>
    </message>
    <message>
        <source>入群日期</source>
        <translation>Joined between</translation>
    </message>
    <message>
        <source>含团队成员</source>
        <translation>Include team</translation>
    </message>
    <message>
        <source>清除筛选</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <source>只显示这些成员；点一下显示全部</source>
        <translation>Showing only these members; click to show everyone</translation>
    </message>
    <message numerus="yes">
        <source>%Ln 人</source>
        <translation>
            <numerusform>%Ln member</numerusform>
            <numerusform>%Ln members</numerusform>
        </translation>
    </message>
    <message>
        <source>{count}+ 人…</source>
        <translation>{count}+ members…</translation>
    </message>
    <message>
        <source>{label} ✕</source>
        <translation>{label} ✕</translation>
    </message>
</context>
<context>
    <name>MembersDueDialog</name>
    <message>
        <source>今天要跟进的成员</source>
        <translation>Members to follow up today</translation>
    </message>
    <message>
        <source>发送时段 {window}；按入群时间排列。</source>
        <translation>Send window {window}; in the order they joined.</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>入群时间</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>复制 @名单</source>
        <translation>Copy @mentions</translation>
    </message>
    <message>
        <source>已复制 {count} 个名字，可粘贴到欢迎语里</source>
        <translation>Copied {count} names, ready to paste into the welcome message</translation>
    </message>
</context>
<context>
    <name>MembersModel</name>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>城市</source>
        <translation>City</translation>
    </message>
    <message>
        <source>所在社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>最近活跃</source>
        <translation>Last active</translation>
    </message>
    <message>
        <source>匹配</source>
        <translation>Matched</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>（团队）</source>
        <translation> (team)</translation>
    </message>
    <message>
        <source>从未</source>
        <translation>Never</translation>
    </message>
</context>
<context>
    <name>MembersTab</name>
    <message>
        <source>导入…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <source>新建成员</source>
        <translation>New member</translation>
    </message>
    <message>
        <source>合并重复成员</source>
        <translation>Merge duplicates</translation>
    </message>
    <message>
        <source>加标签</source>
        <translation>Add tag</translation>
    </message>
    <message>
        <source>移除标签</source>
        <translation>Remove tag</translation>
    </message>
    <message>
        <source>加入社群</source>
        <translation>Add to community</translation>
    </message>
    <message>
        <source>设置角色</source>
        <translation>Set role</translation>
    </message>
    <message>
        <source>记录行为…</source>
        <translation>Record activity…</translation>
    </message>
    <message>
        <source>生成海报…</source>
        <translation>Make posters…</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>显示完整手机号</source>
        <translation>Show full phone numbers</translation>
    </message>
    <message>
        <source>还没有成员</source>
        <translation>No members yet</translation>
    </message>
    <message>
        <source>导入企业微信、微信群或小程序导出的 Excel 名单，也可以一个一个新建。</source>
        <translation>Import an Excel list exported from WeCom, a WeChat group or a mini program, or add members one by one.</translation>
    </message>
    <message>
        <source>导入成员名单…</source>
        <translation>Import member list…</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>成员名单…</source>
        <translation>Member list…</translation>
    </message>
    <message>
        <source>昵称：</source>
        <translation>Nickname:</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>标签：</source>
        <translation>Tag:</translation>
    </message>
    <message>
        <source>正在加标签…</source>
        <translation>Adding the tag…</translation>
    </message>
    <message numerus="yes">
        <source>已给 %n 人加上标签「{tag}」</source>
        <translation>
            <numerusform>Tag “{tag}” added to %n member</numerusform>
            <numerusform>Tag “{tag}” added to %n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>已从 %n 人移除标签「{tag}」</source>
        <translation>
            <numerusform>Tag “{tag}” removed from %n member</numerusform>
            <numerusform>Tag “{tag}” removed from %n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 人已加入社群</source>
        <translation>
            <numerusform>%n member joined the community</numerusform>
            <numerusform>%n members joined the community</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>已为 %n 人设置角色「{role}」</source>
        <translation>
            <numerusform>Role “{role}” set for %n member</numerusform>
            <numerusform>Role “{role}” set for %n members</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>已导出 %n 人到 {path}{masked}</source>
        <translation>
            <numerusform>Exported %n member to {path}{masked}</numerusform>
            <numerusform>Exported %n members to {path}{masked}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>导出 %Ln 名成员到 Excel。</source>
        <translation>
            <numerusform>Export %Ln member to Excel.</numerusform>
            <numerusform>Export %Ln members to Excel.</numerusform>
        </translation>
    </message>
    <message>
        <source>正在移除标签…</source>
        <translation>Removing the tag…</translation>
    </message>
    <message>
        <source>还没有社群，请先在「社群」页新建</source>
        <translation>There are no communities yet: create one on the Communities tab first</translation>
    </message>
    <message>
        <source>社群：</source>
        <translation>Community:</translation>
    </message>
    <message>
        <source>正在加入社群…</source>
        <translation>Adding to the community…</translation>
    </message>
    <message>
        <source>设置角色：选择社群</source>
        <translation>Set role: choose the community</translation>
    </message>
    <message>
        <source>角色：</source>
        <translation>Role:</translation>
    </message>
    <message>
        <source>正在设置角色…</source>
        <translation>Setting the role…</translation>
    </message>
    <message>
        <source>所选成员</source>
        <translation>selected members</translation>
    </message>
    <message>
        <source>当前列表的成员</source>
        <translation>members in the current list</translation>
    </message>
    <message>
        <source>导出成员</source>
        <translation>Export members</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>（手机号、微信号已打码）</source>
        <translation> (phones and WeChat IDs masked)</translation>
    </message>
    <message>
        <source>手机号和微信号打码（建议，导出会记入导出日志）</source>
        <translation>Mask phones and WeChat IDs (recommended; every export is logged)</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <source>合并重复成员</source>
        <translation>Merge duplicate members</translation>
    </message>
    <message>
        <source>同一个人在不同的群里、不同的表格里常常成了几条记录。下面是按昵称、读音和共同社群找出的可能重复的成员；手机号、微信号不同的不会列出。合并后入群记录、标签和行为记录都归到保留的成员，随时可以在「合并记录」里撤销。</source>
        <translation>The same person often ends up as several records across groups and spreadsheets. Below are members who may be duplicates, found by nickname, pronunciation and shared communities; pairs with different phones or WeChat IDs are never listed. Merging moves memberships, tags and activity to the member you keep, and can be undone at any time under “Merge history”.</translation>
    </message>
    <message>
        <source>重新查找</source>
        <translation>Search again</translation>
    </message>
    <message>
        <source>显示完整手机号和微信号</source>
        <translation>Show full phones and WeChat IDs</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>保留的成员</source>
        <translation>Kept member</translation>
    </message>
    <message>
        <source>合并进来的成员</source>
        <translation>Merged member</translation>
    </message>
    <message>
        <source>移过来的记录</source>
        <translation>Records moved</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>撤销所选合并</source>
        <translation>Undo selected merge</translation>
    </message>
    <message>
        <source>撤销会让被合并的成员连同他的所有记录回到合并之前的样子。</source>
        <translation>Undoing restores the merged member and all their records exactly as they were before the merge.</translation>
    </message>
    <message>
        <source>可能重复</source>
        <translation>Possible duplicates</translation>
    </message>
    <message>
        <source>合并记录</source>
        <translation>Merge history</translation>
    </message>
    <message>
        <source>手机号或微信号等相同，几乎可以确定是同一个人。</source>
        <translation>Same phone or WeChat ID: almost certainly the same person.</translation>
    </message>
    <message>
        <source>合并后，另一位的入群记录、标签、行为记录和邀请关系都归到保留的成员；保留成员空着的资料由另一位补上，已有的不会被覆盖。</source>
        <translation>After merging, the other member&apos;s memberships, tags, activity and invitations belong to the kept member; the kept member&apos;s empty fields are filled from the other, and nothing already filled is overwritten.</translation>
    </message>
    <message>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>不是同一人</source>
        <translation>Not the same person</translation>
    </message>
    <message>
        <source>跳过</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>没能找完可能重复的成员。</source>
        <translation>Could not finish looking for possible duplicates.</translation>
    </message>
    <message>
        <source>正在查找可能重复的成员…</source>
        <translation>Looking for possible duplicates…</translation>
    </message>
    <message>
        <source>确定：{evidence}</source>
        <translation>Certain: {evidence}</translation>
    </message>
    <message>
        <source>相似度 {score}%</source>
        <translation>Similarity {score}%</translation>
    </message>
    <message>
        <source>{count} 对可能重复</source>
        <translation>{count} possible duplicate pairs</translation>
    </message>
    <message>
        <source>可能重复（{count}）</source>
        <translation>Possible duplicates ({count})</translation>
    </message>
    <message>
        <source>没有发现可能重复的成员。</source>
        <translation>No possible duplicates found.</translation>
    </message>
    <message>
        <source>已把「{merged}」合并到「{kept}」。</source>
        <translation>Merged “{merged}” into “{kept}”.</translation>
    </message>
    <message>
        <source>正在合并…</source>
        <translation>Merging…</translation>
    </message>
    <message>
        <source>已记下「{a}」和「{b}」不是同一个人，以后不再提示。</source>
        <translation>Noted that “{a}” and “{b}” are different people; they will not be suggested again.</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>合并记录（{count} 次可撤销）</source>
        <translation>Merge history ({count} can be undone)</translation>
    </message>
    <message>
        <source>已撤销</source>
        <translation>Undone</translation>
    </message>
    <message>
        <source>可撤销</source>
        <translation>Can be undone</translation>
    </message>
    <message>
        <source>请先撤销之后涉及同一成员的合并</source>
        <translation>Undo the later merge involving the same members first</translation>
    </message>
    <message>
        <source>已撤销合并：「{merged}」又是单独的成员了。</source>
        <translation>Merge undone: “{merged}” is a separate member again.</translation>
    </message>
    <message>
        <source>正在撤销…</source>
        <translation>Undoing…</translation>
    </message>
</context>
<context>
    <name>MergeSideCard</name>
    <message>
        <source>保留这位</source>
        <translation>Keep this one</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>所在社群</source>
        <translation>Communities</translation>
    </message>
    <message>
        <source>行为记录</source>
        <translation>Activity records</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>建档</source>
        <translation>Added</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>{date} 入群</source>
        <translation>joined {date}</translation>
    </message>
    <message>
        <source>，{date} 退群</source>
        <translation>, left {date}</translation>
    </message>
    <message>
        <source>{count} 条</source>
        <translation>{count}</translation>
    </message>
    <message>
        <source>，最近 {date}</source>
        <translation>, latest {date}</translation>
    </message>
    <message>
        <source>不在任何社群</source>
        <translation>Not in any community</translation>
    </message>
    <message>
        <source>{name}（团队成员）</source>
        <translation>{name} (team member)</translation>
    </message>
    <message>
        <source>建议保留</source>
        <translation>Suggested to keep</translation>
    </message>
</context>
<context>
    <name>MonthGrid</name>
    <message>
        <source>+{n} 更多</source>
        <translation>+{n} more</translation>
    </message>
    <message>
        <source>活动：{name}</source>
        <translation>Campaign: {name}</translation>
    </message>
    <message>
        <source>已过计划时间，还没有发送</source>
        <translation>Past its planned time and not sent yet</translation>
    </message>
    <message>
        <source>班</source>
        <translation>Work</translation>
    </message>
    <message>
        <source>休</source>
        <translation>Off</translation>
    </message>
</context>
<context>
    <name>MonthPage</name>
    <message>
        <source>月</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>{year} 年 {month} 月</source>
        <translation>{year}-{month:02d}</translation>
    </message>
</context>
<context>
    <name>NoticeDialog</name>
    <message>
        <source>导入放假通知</source>
        <translation>Import holiday notice</translation>
    </message>
    <message>
        <source>国务院办公厅关于20XX年部分节假日安排的通知
一、元旦：1月1日放假……</source>
        <translation>国务院办公厅关于20XX年部分节假日安排的通知
一、元旦：1月1日放假…… (paste the notice in Chinese)</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>在中国政府网找到当年的放假通知，全选复制正文粘贴到这里。程序读出放假和调休上班的日子，所有数据库共用。</source>
        <translation>Find the year&apos;s holiday notice of the State Council on www.gov.cn, copy its whole text and paste it here. The days off and make-up workdays are read from it and shared by every database.</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>生成海报…</source>
        <translation>Make posters…</translation>
    </message>
    <message>
        <source>参与者</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>新成员</source>
        <translation>New members</translation>
    </message>
    <message>
        <source>奖励 已发/待生效/待审</source>
        <translation>Rewards approved / pending / held</translation>
    </message>
    <message>
        <source>奖品成本 / 总预算</source>
        <translation>Prize cost / budget</translation>
    </message>
    <message>
        <source>奖励积分</source>
        <translation>Reward points</translation>
    </message>
    <message>
        <source>剩余天数</source>
        <translation>Days left</translation>
    </message>
    <message>
        <source>活动清单</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <source>复盘笔记</source>
        <translation>Review notes</translation>
    </message>
    <message>
        <source>这次活动哪里做得好、哪里要改：下次活动的参考</source>
        <translation>What went well and what to change: a reference for the next campaign</translation>
    </message>
    <message>
        <source>保存笔记</source>
        <translation>Save notes</translation>
    </message>
    <message>
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>目标 ¥{amount:,}</source>
        <translation>Goal ¥{amount:,}</translation>
    </message>
    <message>
        <source>目标 {count} {what}</source>
        <translation>Goal {count} {what}</translation>
    </message>
    <message>
        <source>负责人 {name}</source>
        <translation>Owner {name}</translation>
    </message>
    <message>
        <source>未设结束</source>
        <translation>No end date</translation>
    </message>
    <message>
        <source>在「海报」页批量生成海报，每张带成员在本活动的邀请码</source>
        <translation>Make posters in bulk on the Posters tab, each with the member&apos;s code in this campaign</translation>
    </message>
    <message>
        <source>继续活动</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>开始活动</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>结束活动</source>
        <translation>End campaign</translation>
    </message>
    <message>
        <source>完成复盘</source>
        <translation>Finish review</translation>
    </message>
    <message>
        <source>结束后不能再重新开始，只能复盘。确定结束「{name}」？</source>
        <translation>An ended campaign cannot start again, only be reviewed. End “{name}”?</translation>
    </message>
    <message>
        <source>正在保存笔记…</source>
        <translation>Saving the notes…</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>群聊发言时段</source>
        <translation>When members post in the chat</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>预警设置…</source>
        <translation>Warning thresholds…</translation>
    </message>
    <message>
        <source>导出周报…</source>
        <translation>Export weekly report…</translation>
    </message>
    <message>
        <source>选择预设（工作表、期间、社群、长图），导出给老板看的 Excel 工作簿</source>
        <translation>Choose a preset (sheets, period, community, picture) and export the boss&apos;s Excel workbook</translation>
    </message>
    <message>
        <source>生成长图…</source>
        <translation>Phone picture…</translation>
    </message>
    <message>
        <source>把所选期间的数字画成一张手机上看的长图（PNG），可直接发到微信</source>
        <translation>Draw the chosen period&apos;s figures as one tall picture (PNG) for a phone, ready to send in WeChat</translation>
    </message>
    <message>
        <source>成员数</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>净增（入群 − 退群）</source>
        <translation>Net growth (joins − leaves)</translation>
    </message>
    <message>
        <source>活跃率</source>
        <translation>Active share</translation>
    </message>
    <message>
        <source>新人 4 周留存</source>
        <translation>Newcomers retained at week 4</translation>
    </message>
    <message>
        <source>积分负债</source>
        <translation>Points outstanding</translation>
    </message>
    <message>
        <source>进行中的活动</source>
        <translation>Campaigns running</translation>
    </message>
    <message>
        <source>内容发送率</source>
        <translation>Content sent</translation>
    </message>
    <message>
        <source>社群预警</source>
        <translation>Community warnings</translation>
    </message>
    <message>
        <source>最新活动的漏斗</source>
        <translation>Latest campaign&apos;s funnel</translation>
    </message>
    <message>
        <source>成员增长</source>
        <translation>Member growth</translation>
    </message>
    <message>
        <source>退群成员的入群天数</source>
        <translation>Leavers by days since joining</translation>
    </message>
    <message>
        <source>等级分布</source>
        <translation>Level mix</translation>
    </message>
    <message>
        <source>数据库还是空的</source>
        <translation>The database is empty</translation>
    </message>
    <message>
        <source>先生成一些演示数据熟悉各项功能，或者直接导入自己的成员名单（企业微信、微信群导出的 Excel 都可以）。</source>
        <translation>Generate some sample data to get to know the program, or import your own member list right away (an Excel export from WeCom or a WeChat group will do).</translation>
    </message>
    <message>
        <source>导入成员名单…</source>
        <translation>Import member list…</translation>
    </message>
    <message>
        <source>新建社群…</source>
        <translation>New community…</translation>
    </message>
    <message>
        <source>正在计算…</source>
        <translation>Calculating…</translation>
    </message>
    <message>
        <source>{start} 至 {end}，对比上期 {previous_start} 至 {previous_end}</source>
        <translation>{start} to {end}, compared with {previous_start} to {previous_end}</translation>
    </message>
    <message>
        <source>没有预警：各群都在阈值之内</source>
        <translation>No warnings: every community is within its thresholds</translation>
    </message>
    <message>
        <source>{community}：{warning}</source>
        <translation>{community}: {warning}</translation>
    </message>
    <message>
        <source>点击查看该群的成员</source>
        <translation>Click to see this community&apos;s members</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>退群</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>这段时间没有人退群</source>
        <translation>Nobody left in this period</translation>
    </message>
    <message>
        <source>还没有等级：在「分层」里设置等级规则</source>
        <translation>No levels yet: set the level rules under Tiers</translation>
    </message>
    <message>
        <source>这段时间没有进行中的活动</source>
        <translation>No campaign running in this period</translation>
    </message>
    <message>
        <source>最新活动的漏斗：{name}</source>
        <translation>Latest campaign&apos;s funnel: {name}</translation>
    </message>
    <message>
        <source>{day} 入群</source>
        <translation>Joined on {day}</translation>
    </message>
    <message>
        <source>退群（入群 {days}）</source>
        <translation>Left after {days}</translation>
    </message>
    <message>
        <source>等级：{level}</source>
        <translation>Level: {level}</translation>
    </message>
    <message>
        <source>{name}：{stage}</source>
        <translation>{name}: {stage}</translation>
    </message>
    <message>
        <source>{day} {hour}点发言</source>
        <translation>Posted {day} at {hour}:00</translation>
    </message>
    <message>
        <source>正在保存预警设置…</source>
        <translation>Saving the warning thresholds…</translation>
    </message>
    <message>
        <source>导出报表</source>
        <translation>Export report</translation>
    </message>
    <message>
        <source>正在生成周报…</source>
        <translation>Writing the weekly report…</translation>
    </message>
    <message>
        <source>生成长图</source>
        <translation>Phone picture</translation>
    </message>
    <message>
        <source>PNG 图片 (*.png)</source>
        <translation>PNG image (*.png)</translation>
    </message>
    <message>
        <source>正在生成长图…</source>
        <translation>Drawing the picture…</translation>
    </message>
    <message>
        <source>长图已生成：{path}</source>
        <translation>Picture saved: {path}</translation>
    </message>
    <message>
        <source>周报已导出：{path}</source>
        <translation>Weekly report exported: {path}</translation>
    </message>
    <message>
        <source>生成演示数据…</source>
        <translation>Generate demo data…</translation>
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
    <name>ParticipantsPage</name>
    <message>
        <source>搜索昵称、备注、拼音或首字母</source>
        <translation>Search nickname, remark, pinyin or initials</translation>
    </message>
    <message>
        <source>已发</source>
        <translation>approved</translation>
    </message>
    <message>
        <source>待生效</source>
        <translation>pending</translation>
    </message>
    <message>
        <source>待审</source>
        <translation>held</translation>
    </message>
    <message>
        <source>作废</source>
        <translation>void</translation>
    </message>
    <message>
        <source>已满阶</source>
        <translation>All stages reached</translation>
    </message>
    <message numerus="yes">
        <source>还差 %n 人</source>
        <translation>
            <numerusform>%n more to go</numerusform>
            <numerusform>%n more to go</numerusform>
        </translation>
    </message>
    <message>
        <source>参与者</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>邀请成功</source>
        <translation>Converted</translation>
    </message>
    <message>
        <source>待确认</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>下一阶</source>
        <translation>Next stage</translation>
    </message>
    <message>
        <source>奖励</source>
        <translation>Rewards</translation>
    </message>
    <message>
        <source>{participants} 位参与者来自导入的明细，每人的合计在「裂变树」页。{notice}</source>
        <translation>{participants} participants come from an imported file; each one&apos;s total is on the Tree page. {notice}</translation>
    </message>
    <message numerus="yes">
        <source>%n 人</source>
        <translation>
            <numerusform>%n person</numerusform>
            <numerusform>%n people</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PasteDialog</name>
    <message>
        <source>粘贴接龙，记录签到</source>
        <translation>Paste a chain sign-up (接龙) to record check-ins</translation>
    </message>
    <message>
        <source>按接龙标题里的日期（没有时用右边的日期）</source>
        <translation>Use the date in the sign-up&apos;s title (the date on the right if it has none)</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>打卡日期</source>
        <translation>Check-in date</translation>
    </message>
    <message>
        <source>在微信里长按整条接龙消息 → 复制，粘贴到这里。
例如：
#接龙
1. 张小凡 已打卡</source>
        <translation>In WeChat, long-press the whole chain sign-up (接龙) message → Copy, then paste it here.
For example:
#接龙
1. 张小凡 已打卡</translation>
    </message>
    <message>
        <source>接龙里的名字</source>
        <translation>Name in the sign-up</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>匹配方式</source>
        <translation>Matched by</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>粘贴后点「识别名单」：先看匹配结果，确认后才记录。</source>
        <translation>After pasting, click “Match names”: you see the matches first, and nothing is recorded until you confirm.</translation>
    </message>
    <message>
        <source>识别名单</source>
        <translation>Match names</translation>
    </message>
    <message>
        <source>记录签到</source>
        <translation>Record check-ins</translation>
    </message>
    <message>
        <source>请先在社群页建立社群</source>
        <translation>Create a community on the Communities tab first</translation>
    </message>
    <message>
        <source>正在匹配名单…</source>
        <translation>Matching names…</translation>
    </message>
    <message>
        <source>群昵称</source>
        <translation>Group nickname</translation>
    </message>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>拼音相同</source>
        <translation>Same pinyin</translation>
    </message>
    <message>
        <source>手动选择</source>
        <translation>Chosen by hand</translation>
    </message>
    <message>
        <source>{how}（近似，请核对）</source>
        <translation>{how} (close match, please check)</translation>
    </message>
    <message>
        <source>当天已记录</source>
        <translation>Already recorded that day</translation>
    </message>
    <message>
        <source>将记录</source>
        <translation>Will be recorded</translation>
    </message>
    <message>
        <source>跳过（不记录）</source>
        <translation>Skip (don&apos;t record)</translation>
    </message>
    <message>
        <source>{n} 人都可能是</source>
        <translation>could be any of {n}</translation>
    </message>
    <message numerus="yes">
        <source>{community} {day}：匹配 {matched} 人，将记录 %n 次签到</source>
        <translation>
            <numerusform>{community} {day}: {matched} matched, %n check-in to record</numerusform>
            <numerusform>{community} {day}: {matched} matched, %n check-ins to record</numerusform>
        </translation>
    </message>
    <message>
        <source>待选择 {n} 人</source>
        <translation>{n} to choose</translation>
    </message>
    <message>
        <source>没有找到 {n} 人</source>
        <translation>{n} not found</translation>
    </message>
    <message numerus="yes">
        <source>已记录 %n 次签到</source>
        <translation>
            <numerusform>Recorded %n check-in</numerusform>
            <numerusform>Recorded %n check-ins</numerusform>
        </translation>
    </message>
    <message>
        <source>请选择</source>
        <translation>Choose one</translation>
    </message>
    <message>
        <source>没有找到</source>
        <translation>Not found</translation>
    </message>
    <message>
        <source>不记录</source>
        <translation>Not recorded</translation>
    </message>
    <message>
        <source>{n} 人当天已记录，不会重复</source>
        <translation>{n} already recorded that day, not counted twice</translation>
    </message>
    <message>
        <source>重复只算一次：{names}</source>
        <translation>Repeats counted once: {names}</translation>
    </message>
    <message>
        <source>正在记录签到…</source>
        <translation>Recording check-ins…</translation>
    </message>
</context>
<context>
    <name>PeriodBar</name>
    <message>
        <source>上一页</source>
        <translation>Previous</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>上周</source>
        <translation>Last week</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>自定义…</source>
        <translation>Custom…</translation>
    </message>
    <message>
        <source>全部社群</source>
        <translation>All communities</translation>
    </message>
</context>
<context>
    <name>PointsDialog</name>
    <message>
        <source>扣减积分</source>
        <translation>Deduct points</translation>
    </message>
    <message>
        <source>发放积分</source>
        <translation>Award points</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>例如：违规扣分、补偿</source>
        <translation>e.g. broke the group rules, correction</translation>
    </message>
    <message>
        <source>例如：活动奖励、晒单有礼</source>
        <translation>e.g. event reward, bonus for sharing a purchase photo</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>计入等级积分</source>
        <translation>Counts toward level</translation>
    </message>
    <message>
        <source>永不过期</source>
        <translation>Never expires</translation>
    </message>
    <message>
        <source>有效期</source>
        <translation>Valid for</translation>
    </message>
</context>
<context>
    <name>PosterDesigner</name>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>属性</source>
        <translation>Properties</translation>
    </message>
    <message>
        <source>海报</source>
        <translation>Posters</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>撤销：{0}（Ctrl+Z）</source>
        <translation>Undo: {0} (Ctrl+Z)</translation>
    </message>
    <message>
        <source>重做：{0}（Ctrl+Shift+Z）</source>
        <translation>Redo: {0} (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>复制图层</source>
        <translation>Duplicate layer</translation>
    </message>
    <message>
        <source>缩小（Ctrl+滚轮）</source>
        <translation>Zoom out (Ctrl+wheel)</translation>
    </message>
    <message>
        <source>放大（Ctrl+滚轮）</source>
        <translation>Zoom in (Ctrl+wheel)</translation>
    </message>
    <message>
        <source>适应</source>
        <translation>Fit</translation>
    </message>
    <message>
        <source>显示整张海报</source>
        <translation>Show the whole poster</translation>
    </message>
    <message>
        <source>按实际像素显示</source>
        <translation>Actual pixels</translation>
    </message>
    <message>
        <source>批量生成…</source>
        <translation>Batch…</translation>
    </message>
    <message>
        <source>按社群、分群或选中的成员，每人一张个人海报</source>
        <translation>One personal poster per member of a community, a segment or the selected members</translation>
    </message>
    <message>
        <source>预览数据</source>
        <translation>Preview data</translation>
    </message>
    <message>
        <source>搜索成员…</source>
        <translation>Search members…</translation>
    </message>
    <message>
        <source>按昵称、备注、微信号、拼音或手机尾号找成员来预览</source>
        <translation>Find a member to preview with by nickname, remark, WeChat ID, pinyin or the last digits of their phone</translation>
    </message>
    <message>
        <source>背景</source>
        <translation>Background</translation>
    </message>
    <message>
        <source>未命名海报</source>
        <translation>Untitled poster</translation>
    </message>
    <message>
        <source>放弃修改？</source>
        <translation>Discard changes?</translation>
    </message>
    <message>
        <source>「{name}」的修改还没有保存，放弃这些修改吗？</source>
        <translation>The changes to “{name}” are not saved. Discard them?</translation>
    </message>
    <message>
        <source>另存为</source>
        <translation>Save as</translation>
    </message>
    <message>
        <source>新模板的名称：</source>
        <translation>Name of the new template:</translation>
    </message>
    <message>
        <source>导入模板文件</source>
        <translation>Import template file</translation>
    </message>
    <message>
        <source>海报模板 (*.zip)</source>
        <translation>Poster templates (*.zip)</translation>
    </message>
    <message>
        <source>导出模板</source>
        <translation>Export template</translation>
    </message>
    <message>
        <source>已导出到 {path}</source>
        <translation>Exported to {path}</translation>
    </message>
    <message>
        <source>删除模板「{name}」？删除后不能恢复，可先用「导出」留一份。</source>
        <translation>Delete the template “{name}”? This cannot be undone; use Export first to keep a copy.</translation>
    </message>
    <message>
        <source>它还有未保存的修改，也会一起丢弃。</source>
        <translation>Its unsaved changes will be discarded too.</translation>
    </message>
    <message>
        <source>删除模板</source>
        <translation>Delete template</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>内置模板，修改后请另存为</source>
        <translation>Built-in template: use Save As to keep your changes</translation>
    </message>
    <message>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>这项修改无效：{error}</source>
        <translation>This change is not valid: {error}</translation>
    </message>
    <message>
        <source>移动</source>
        <translation>Move</translation>
    </message>
    <message>
        <source>调整大小</source>
        <translation>Resize</translation>
    </message>
    <message>
        <source>修改「{name}」</source>
        <translation>Edit “{name}”</translation>
    </message>
    <message>
        <source>显示</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>隐藏</source>
        <translation>Hide</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>调整「{name}」的层级</source>
        <translation>Reorder “{name}”</translation>
    </message>
    <message>
        <source>添加「{name}」</source>
        <translation>Add “{name}”</translation>
    </message>
    <message>
        <source>复制「{name}」</source>
        <translation>Duplicate “{name}”</translation>
    </message>
    <message>
        <source>「{name}」已锁定，解锁后才能删除</source>
        <translation>“{name}” is locked: unlock it to delete it</translation>
    </message>
    <message>
        <source>删除「{name}」</source>
        <translation>Delete “{name}”</translation>
    </message>
    <message>
        <source>旋转「{name}」</source>
        <translation>Rotate “{name}”</translation>
    </message>
    <message>
        <source>移动「{name}」</source>
        <translation>Move “{name}”</translation>
    </message>
    <message>
        <source>预览数据里没有 {fields}，这些位置会是空白</source>
        <translation>The preview data has no {fields}; those places stay blank</translation>
    </message>
    <message>
        <source>这个二维码扫不出来，导出时会被拦下</source>
        <translation>This QR code does not scan; an export would stop it</translation>
    </message>
    <message>
        <source>无法生成预览：{error}</source>
        <translation>Cannot render the preview: {error}</translation>
    </message>
</context>
<context>
    <name>PresetDialog</name>
    <message>
        <source>报表预设</source>
        <translation>Report presets</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>上周（周一至周日）</source>
        <translation>Last week (Monday–Sunday)</translation>
    </message>
    <message>
        <source>上月</source>
        <translation>Last month</translation>
    </message>
    <message>
        <source>最近几天（到昨天）</source>
        <translation>Last few days (to yesterday)</translation>
    </message>
    <message>
        <source>自定义日期</source>
        <translation>Custom dates</translation>
    </message>
    <message numerus="yes">
        <source>%n 天</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message>
        <source>全部社群</source>
        <translation>All communities</translation>
    </message>
    <message>
        <source>同时生成给手机看的长图</source>
        <translation>Also make the picture for phones</translation>
    </message>
    <message>
        <source>手机号和微信号打码</source>
        <translation>Mask phone numbers and WeChat IDs</translation>
    </message>
    <message>
        <source>不打码的导出含完整手机号和微信号，每次导出都会记入导出日志。</source>
        <translation>An unmasked export holds full phone numbers and WeChat IDs; every such export is recorded in the export log.</translation>
    </message>
    <message>
        <source>预设</source>
        <translation>Preset</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheets</translation>
    </message>
    <message>
        <source>期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>保存为预设…</source>
        <translation>Save as preset…</translation>
    </message>
    <message>
        <source>使用</source>
        <translation>Use</translation>
    </message>
    <message>
        <source>概览</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>社群健康</source>
        <translation>Community health</translation>
    </message>
    <message>
        <source>分层</source>
        <translation>Levels</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Campaigns</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>待跟进</source>
        <translation>Follow-up</translation>
    </message>
    <message>
        <source>留存</source>
        <translation>Retention</translation>
    </message>
    <message>
        <source>{name}（内置）</source>
        <translation>{name} (built-in)</translation>
    </message>
    <message>
        <source>保存为预设</source>
        <translation>Save as preset</translation>
    </message>
    <message>
        <source>预设名称（最长 40 个字符）：</source>
        <translation>Preset name (at most 40 characters):</translation>
    </message>
    <message>
        <source>覆盖预设</source>
        <translation>Replace preset</translation>
    </message>
    <message>
        <source>已有名为「{name}」的预设，要覆盖它吗？</source>
        <translation>A preset called “{name}” already exists. Replace it?</translation>
    </message>
    <message>
        <source>覆盖</source>
        <translation>Replace</translation>
    </message>
    <message>
        <source>删除预设</source>
        <translation>Delete preset</translation>
    </message>
    <message>
        <source>删除预设「{name}」？已生成的报表不受影响。</source>
        <translation>Delete the preset “{name}”? Reports already made are not affected.</translation>
    </message>
</context>
<context>
    <name>PreviewData</name>
    <message>
        <source>用示例数据或某位成员的昵称、邀请码预览海报</source>
        <translation>Preview the poster with sample data or a member’s nickname and invite code</translation>
    </message>
    <message>
        <source>示例数据（{name}）</source>
        <translation>Sample data ({name})</translation>
    </message>
</context>
<context>
    <name>PropertyPanel</name>
    <message>
        <source>在画布或图层列表中选择一个图层来编辑它的属性。</source>
        <translation>Select a layer on the canvas or in the layer list to edit its properties.</translation>
    </message>
    <message>
        <source>位置和大小</source>
        <translation>Position and size</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>X</source>
        <translation>X</translation>
    </message>
    <message>
        <source>Y</source>
        <translation>Y</translation>
    </message>
    <message>
        <source>宽</source>
        <translation>Width</translation>
    </message>
    <message>
        <source>高</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>旋转</source>
        <translation>Rotation</translation>
    </message>
    <message>
        <source>不透明度</source>
        <translation>Opacity</translation>
    </message>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
</context>
<context>
    <name>QrGroup</name>
    <message>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>成员的邀请链接</source>
        <translation>Member’s invite link</translation>
    </message>
    <message>
        <source>成员的邀请码</source>
        <translation>Member’s invite code</translation>
    </message>
    <message>
        <source>社群的群二维码（来自社群页）</source>
        <translation>Community’s group QR (from the Communities tab)</translation>
    </message>
    <message>
        <source>固定内容（下方填写）</source>
        <translation>Fixed content (type below)</translation>
    </message>
    <message>
        <source>群二维码取自「社群」页上传的群码，重新生成为清晰的码；过期的群码不会用</source>
        <translation>The group QR comes from the code attached on the Communities tab, redrawn crisp; an expired code is never used</translation>
    </message>
    <message>
        <source>链接或文字</source>
        <translation>Link or text</translation>
    </message>
    <message>
        <source>L（7%，码最小）</source>
        <translation>L (7%, smallest code)</translation>
    </message>
    <message>
        <source>M（15%，推荐）</source>
        <translation>M (15%, recommended)</translation>
    </message>
    <message>
        <source>Q（25%）</source>
        <translation>Q (25%)</translation>
    </message>
    <message>
        <source>H（30%，放 logo 时用）</source>
        <translation>H (30%, for a logo)</translation>
    </message>
    <message>
        <source>中间放了 logo，纠错级别固定为 H，被遮住的部分仍能扫出</source>
        <translation>With a logo in the middle the error correction is always H, so the code still scans</translation>
    </message>
    <message>
        <source> 格</source>
        <translation> modules</translation>
    </message>
    <message>
        <source>码四周的浅色留白，至少 4 格，否则可能扫不出</source>
        <translation>Light margin around the code; at least 4 modules or it may not scan</translation>
    </message>
    <message>
        <source>移除 logo</source>
        <translation>Remove logo</translation>
    </message>
    <message>
        <source>扫码得到</source>
        <translation>Scans to</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>纠错级别</source>
        <translation>Error correction</translation>
    </message>
    <message>
        <source>深色</source>
        <translation>Dark colour</translation>
    </message>
    <message>
        <source>浅色</source>
        <translation>Light colour</translation>
    </message>
    <message>
        <source>留白</source>
        <translation>Quiet zone</translation>
    </message>
    <message>
        <source>Logo</source>
        <translation>Logo</translation>
    </message>
    <message>
        <source>无 logo</source>
        <translation>No logo</translation>
    </message>
</context>
<context>
    <name>QrPanel</name>
    <message>
        <source>图片文件太大（超过 {size} MB）</source>
        <translation>The image file is too large (over {size} MB)</translation>
    </message>
    <message>
        <source>无法读取文件 {file}：{error}</source>
        <translation>Cannot read the file {file}: {error}</translation>
    </message>
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
        <source>这个群还没有二维码</source>
        <translation>This group has no QR code yet</translation>
    </message>
    <message>
        <source>添加后海报会自动用上它，过期前会提醒你换新。也可以把图片拖到这里。</source>
        <translation>Once added, posters use it automatically, and you are reminded before it expires. You can also drop the picture here.</translation>
    </message>
    <message>
        <source>添加二维码…</source>
        <translation>Add QR code…</translation>
    </message>
    <message>
        <source>粘贴截图</source>
        <translation>Paste screenshot</translation>
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
    <message numerus="yes">
        <source>{date}前有效（共 %n 天）</source>
        <translation>
            <numerusform>Valid until {date} (%n day)</numerusform>
            <numerusform>Valid until {date} (%n days)</numerusform>
        </translation>
    </message>
    <message>
        <source>选择群二维码图片</source>
        <translation>Choose the group QR code image</translation>
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
    <name>ReasonDialog</name>
    <message>
        <source>写明原因（必填），会记入审核记录</source>
        <translation>Write the reason (required); it is kept in the review history</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请写明原因</source>
        <translation>Please write the reason</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>记录邀请</source>
        <translation>Record an invite</translation>
    </message>
    <message>
        <source>按邀请码</source>
        <translation>By invite code</translation>
    </message>
    <message>
        <source>手工指定邀请人</source>
        <translation>Pick the inviter by hand</translation>
    </message>
    <message>
        <source>输入邀请码，或用扫码枪扫海报上的码</source>
        <translation>Type the invite code, or scan the poster&apos;s code with a scanner</translation>
    </message>
    <message>
        <source>扫码得到</source>
        <translation>Scanned</translation>
    </message>
    <message>
        <source>从图片识别…</source>
        <translation>From a picture…</translation>
    </message>
    <message>
        <source>选一张海报或二维码的截图，读出其中的邀请码</source>
        <translation>Pick a picture of a poster or its QR code to read the invite code in it</translation>
    </message>
    <message>
        <source>输入邀请人的昵称、备注名或拼音首字母</source>
        <translation>Type the inviter&apos;s nickname, remark or pinyin initials</translation>
    </message>
    <message>
        <source>输入新成员的昵称、备注名或拼音首字母</source>
        <translation>Type the new member&apos;s nickname, remark or pinyin initials</translation>
    </message>
    <message>
        <source>怎么记</source>
        <translation>How</translation>
    </message>
    <message>
        <source>邀请码</source>
        <translation>Invite code</translation>
    </message>
    <message>
        <source>邀请人</source>
        <translation>Inviter</translation>
    </message>
    <message>
        <source>被邀请人</source>
        <translation>Invitee</translation>
    </message>
    <message>
        <source>加入的社群</source>
        <translation>Joined group</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>邀请码 {code} 属于 {name}，但它是活动「{campaign}」的</source>
        <translation>Invite code {code} belongs to {name}, but it is a code of the campaign “{campaign}”</translation>
    </message>
    <message>
        <source>邀请码 {code} 属于 {name}</source>
        <translation>Invite code {code} belongs to {name}</translation>
    </message>
    <message>
        <source>{code}（{name}）</source>
        <translation>{code} ({name})</translation>
    </message>
    <message>
        <source>改用这个邀请码</source>
        <translation>Use this invite code instead</translation>
    </message>
    <message>
        <source>选择二维码图片</source>
        <translation>Choose a picture of the QR code</translation>
    </message>
    <message>
        <source>图片 (*.png *.jpg *.jpeg *.webp *.bmp)</source>
        <translation>Pictures (*.png *.jpg *.jpeg *.webp *.bmp)</translation>
    </message>
    <message>
        <source>正在记录邀请…</source>
        <translation>Recording the invite…</translation>
    </message>
    <message>
        <source>冲突：{invitee} 已由 {first} 先邀请（先到先得），{inviter} 的记为被拒</source>
        <translation>Clash: {invitee} was invited by {first} first (first come, first served); {inviter}&apos;s invite is kept as rejected</translation>
    </message>
    <message>
        <source>已记录：{inviter} 邀请了 {invitee}</source>
        <translation>Recorded: {inviter} invited {invitee}</translation>
    </message>
    <message>
        <source>已记录：{inviter} 邀请了 {invitee}（同一邀请关系，补上了来源）</source>
        <translation>Recorded: {inviter} invited {invitee} (the same invite, its source added)</translation>
    </message>
    <message>
        <source>已记录过：{inviter} 邀请了 {invitee}，未改动</source>
        <translation>Already recorded: {inviter} invited {invitee}; nothing changed</translation>
    </message>
    <message>
        <source>（邀请码 {code}）</source>
        <translation> (invite code {code})</translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <source>兑换奖品</source>
        <translation>Redeem reward</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>可用积分</source>
        <translation>Available points</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>unlimited</translation>
    </message>
    <message numerus="yes">
        <source>{name}（%n 分，剩 {left}）</source>
        <translation>
            <numerusform>{name} (%n pt, {left} left)</numerusform>
            <numerusform>{name} (%n pts, {left} left)</numerusform>
        </translation>
    </message>
    <message>
        <source>{reward} — {why}</source>
        <translation>{reward} — {why}</translation>
    </message>
    <message>
        <source>奖品</source>
        <translation>Reward</translation>
    </message>
    <message>
        <source>收货地址、尺码等（可不填）</source>
        <translation>Delivery address, size, etc. (optional)</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>该成员现在没有可兑换的奖品</source>
        <translation>Nothing this member can redeem right now</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>恢复备份</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <source>从文件选择…</source>
        <translation>Choose a file…</translation>
    </message>
    <message>
        <source>选择要恢复的备份：</source>
        <translation>Choose the backup to restore:</translation>
    </message>
    <message>
        <source>选择备份文件</source>
        <translation>Choose a backup file</translation>
    </message>
    <message>
        <source>数据库备份 (*.db)</source>
        <translation>Database backups (*.db)</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>全部待审核</source>
        <translation>All held</translation>
    </message>
    <message>
        <source>有风险信号的</source>
        <translation>Flagged</translation>
    </message>
    <message>
        <source>已超期的</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Approve</translation>
    </message>
    <message>
        <source>驳回…</source>
        <translation>Reject…</translation>
    </message>
    <message>
        <source>拉黑成员…</source>
        <translation>Blacklist member…</translation>
    </message>
    <message>
        <source>结算奖励…</source>
        <translation>Settle rewards…</translation>
    </message>
    <message>
        <source>按当前数据重算奖励：积分记入账本（待生效、收回、冲正），奖品进发放队列</source>
        <translation>Recompute the rewards from the current data: points go to the ledger (pending, clawed back, reversed), prizes to the fulfilment queue</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>审核方式</source>
        <translation>Review mode</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>被邀请人</source>
        <translation>Invitee</translation>
    </message>
    <message>
        <source>奖励</source>
        <translation>Reward</translation>
    </message>
    <message>
        <source>获得时间</source>
        <translation>Earned</translation>
    </message>
    <message>
        <source>审核截止</source>
        <translation>Review by</translation>
    </message>
    <message>
        <source>超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>已超期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <source>没有待审核的奖励</source>
        <translation>No rewards waiting for review</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>审核人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>审核记录</source>
        <translation>Review history</translation>
    </message>
    <message>
        <source>审核</source>
        <translation>Review</translation>
    </message>
    <message>
        <source>只审核有风险信号的（其余自动通过）</source>
        <translation>Review only the flagged (the rest go on)</translation>
    </message>
    <message>
        <source>全部人工审核</source>
        <translation>Review every reward</translation>
    </message>
    <message>
        <source>不审核：无风险的通过，有风险的驳回</source>
        <translation>No review: clean ones go on, flagged ones are rejected</translation>
    </message>
    <message>
        <source>驳回</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>拉黑</source>
        <translation>Blacklist</translation>
    </message>
    <message>
        <source>无风险信号</source>
        <translation>No fraud signal</translation>
    </message>
    <message>
        <source>；</source>
        <translation>; </translation>
    </message>
    <message numerus="yes">
        <source>%n 分</source>
        <translation>
            <numerusform>%n point</numerusform>
            <numerusform>%n points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>待审核 {held} 条：有风险信号 {flagged}，已超期 {overdue}；审核期限 %n 天</source>
        <translation>
            <numerusform>{held} held: {flagged} flagged, {overdue} overdue; %n day to review</numerusform>
            <numerusform>{held} held: {flagged} flagged, {overdue} overdue; %n days to review</numerusform>
        </translation>
    </message>
    <message>
        <source>在左侧选一个活动，这里列出它等待人工审核的奖励。</source>
        <translation>Pick a campaign on the left to list its rewards waiting for review.</translation>
    </message>
    <message>
        <source>没有符合筛选条件的奖励。</source>
        <translation>No rewards match the filter.</translation>
    </message>
    <message>
        <source>本活动不人工审核：有风险信号的奖励自动驳回，其余自动通过。</source>
        <translation>This campaign is not reviewed by hand: flagged rewards are rejected, the rest go on.</translation>
    </message>
    <message>
        <source>每条奖励都会先在这里等待人工审核。</source>
        <translation>Every reward waits here for a person to review it.</translation>
    </message>
    <message>
        <source>有风险信号的奖励会在这里等待人工审核，其余自动通过。</source>
        <translation>Flagged rewards wait here for a person to review them; the rest go on.</translation>
    </message>
    <message>
        <source>正在记录审核…</source>
        <translation>Recording the review…</translation>
    </message>
    <message>
        <source>驳回 {member} 的这条奖励（{reward}）：奖励作废，已记入账本的会收回。</source>
        <translation>Reject this reward of {member} ({reward}): it becomes void, and points already in the ledger are taken back.</translation>
    </message>
    <message>
        <source>驳回奖励</source>
        <translation>Reject reward</translation>
    </message>
    <message>
        <source>拉黑成员</source>
        <translation>Blacklist member</translation>
    </message>
    <message numerus="yes">
        <source>拉黑 {member}：本活动中 %n 条尚未生效的奖励将作废，以后的活动也不再给他奖励。</source>
        <translation>
            <numerusform>Blacklist {member}: %n reward not yet in effect in this campaign becomes void, and later campaigns give them none.</numerusform>
            <numerusform>Blacklist {member}: %n rewards not yet in effect in this campaign become void, and later campaigns give them none.</numerusform>
        </translation>
    </message>
    <message>
        <source>正在保存审核方式…</source>
        <translation>Saving the review mode…</translation>
    </message>
    <message>
        <source>正在计算结算结果…</source>
        <translation>Working out the settlement…</translation>
    </message>
    <message>
        <source>现在结算吗？</source>
        <translation>Settle now?</translation>
    </message>
    <message>
        <source>结算奖励</source>
        <translation>Settle rewards</translation>
    </message>
    <message>
        <source>结算</source>
        <translation>Settle</translation>
    </message>
    <message>
        <source>正在结算…</source>
        <translation>Settling…</translation>
    </message>
    <message>
        <source>结算完成</source>
        <translation>Settled</translation>
    </message>
    <message numerus="yes">
        <source>奖励 %n 条：待生效 {pending}、已生效 {approved}、待审核 {held}、作废 {void}</source>
        <translation>
            <numerusform>%n reward: {pending} pending, {approved} in effect, {held} held, {void} void</numerusform>
            <numerusform>%n rewards: {pending} pending, {approved} in effect, {held} held, {void} void</numerusform>
        </translation>
    </message>
    <message>
        <source>入账 {n} 笔共 {points} 分，收回 {back} 笔，冲正 {rev} 笔，暂缓 {wait} 条</source>
        <translation>{n} ledger awards, {points} points in all; {back} clawed back, {rev} reversed, {wait} waiting</translation>
    </message>
    <message>
        <source>奖品 {prizes} 条：新进发放 {issued}，推进 {moved}，取消 {cancelled}</source>
        <translation>{prizes} prizes: {issued} newly queued, {moved} moved on, {cancelled} cancelled</translation>
    </message>
    <message>
        <source>未能收回：{why}</source>
        <translation>Could not take back: {why}</translation>
    </message>
</context>
<context>
    <name>RewardDialog</name>
    <message>
        <source>新增奖品</source>
        <translation>New reward</translation>
    </message>
    <message>
        <source>编辑奖品</source>
        <translation>Edit reward</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>实物</source>
        <translation>Physical</translation>
    </message>
    <message>
        <source>虚拟/券</source>
        <translation>Virtual/coupon</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>所需积分</source>
        <translation>Points needed</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>Unlimited</translation>
    </message>
    <message>
        <source>总库存</source>
        <translation>Total stock</translation>
    </message>
    <message>
        <source>成本（元）</source>
        <translation>Cost (¥)</translation>
    </message>
    <message>
        <source>每人限兑</source>
        <translation>Limit per member</translation>
    </message>
    <message>
        <source>限定兑换日期</source>
        <translation>Redeemable only between dates</translation>
    </message>
    <message>
        <source>开始</source>
        <translation>From</translation>
    </message>
    <message>
        <source>截止</source>
        <translation>Until</translation>
    </message>
    <message>
        <source>上架</source>
        <translation>Listed in the catalogue</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>选择图片…</source>
        <translation>Choose picture…</translation>
    </message>
    <message>
        <source>清除图片</source>
        <translation>Clear picture</translation>
    </message>
    <message>
        <source>PNG 或 JPG，会缩小到 800 像素以内保存</source>
        <translation>PNG or JPG; stored scaled down to at most 800 pixels</translation>
    </message>
    <message>
        <source>图片</source>
        <translation>Picture</translation>
    </message>
    <message>
        <source>无图片</source>
        <translation>No picture</translation>
    </message>
    <message>
        <source>选择奖品图片</source>
        <translation>Choose a picture for the reward</translation>
    </message>
</context>
<context>
    <name>RoleChart</name>
    <message>
        <source>M月</source>
        <translation>MMM</translation>
    </message>
</context>
<context>
    <name>RuleAwardDialog</name>
    <message>
        <source>按规则发放</source>
        <translation>Award by rule</translation>
    </message>
    <message>
        <source> 等 {n} 人</source>
        <translation> and others ({n} people)</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>补充说明（可不填），写在规则名称后面</source>
        <translation>Extra note (optional), written after the rule name</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>没有可发放的规则：请先在「积分规则」新建或启用。</source>
        <translation>No rule can be awarded: create or enable one under “Rules” first.</translation>
    </message>
    <message numerus="yes">
        <source>每人 %n 分</source>
        <translation>
            <numerusform>%n point each</numerusform>
            <numerusform>%n points each</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>每日上限 %n 分（已达上限的成员不再发放）</source>
        <translation>
            <numerusform>Daily cap %n point (members at the cap get nothing more)</numerusform>
            <numerusform>Daily cap %n points (members at the cap get nothing more)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 天后生效</source>
        <translation>
            <numerusform>Takes effect after %n day</numerusform>
            <numerusform>Takes effect after %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>有效期 %n 天</source>
        <translation>
            <numerusform>Valid for %n day</numerusform>
            <numerusform>Valid for %n days</numerusform>
        </translation>
    </message>
    <message>
        <source>每日不限</source>
        <translation>No daily cap</translation>
    </message>
    <message numerus="yes">
        <source>{name}（{kind}，%n 分）</source>
        <translation>
            <numerusform>{name} ({kind}, %n point)</numerusform>
            <numerusform>{name} ({kind}, %n points)</numerusform>
        </translation>
    </message>
    <message>
        <source>永不过期</source>
        <translation>Never expires</translation>
    </message>
    <message>
        <source>计入等级积分</source>
        <translation>Counts toward levels</translation>
    </message>
    <message>
        <source>不计入等级积分</source>
        <translation>Does not count toward levels</translation>
    </message>
    <message>
        <source>按规则 v{v}：</source>
        <translation>By rule v{v}: </translation>
    </message>
</context>
<context>
    <name>RuleDialog</name>
    <message>
        <source>新建自定义规则</source>
        <translation>New custom rule</translation>
    </message>
    <message>
        <source>修改积分规则</source>
        <translation>Edit points rule</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>简短代码，例如 晒单</source>
        <translation>A short code, e.g. photo</translation>
    </message>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>每次花费</source>
        <translation>Cost each time</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>No cap</translation>
    </message>
    <message>
        <source>计入等级积分</source>
        <translation>Counts toward level</translation>
    </message>
    <message>
        <source>立即生效</source>
        <translation>Immediately</translation>
    </message>
    <message>
        <source>永不过期</source>
        <translation>Never expires</translation>
    </message>
    <message>
        <source>每日上限</source>
        <translation>Daily cap</translation>
    </message>
    <message>
        <source>待生效期</source>
        <translation>Pending period</translation>
    </message>
    <message>
        <source>有效期</source>
        <translation>Valid for</translation>
    </message>
    <message>
        <source>连续天数</source>
        <translation>Streak days</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <source>保存后生成新版本：已发放的积分不受影响。</source>
        <translation>Saving creates a new version: points already awarded are not affected.</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>每日上限</source>
        <translation>Daily cap</translation>
    </message>
    <message>
        <source>计入等级</source>
        <translation>Qualifying</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>待生效</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>有效期</source>
        <translation>Valid for</translation>
    </message>
    <message>
        <source>永久</source>
        <translation>Forever</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Enabled</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>修改规则…</source>
        <translation>Edit rule…</translation>
    </message>
    <message>
        <source>新建自定义规则…</source>
        <translation>New custom rule…</translation>
    </message>
    <message>
        <source>修改规则会生成新版本，已发放的积分保持原样；补签扣除的积分在「补签」一行设置。</source>
        <translation>Editing a rule creates a new version; points already awarded stay as they are. What a make-up check-in (补签) costs is set on its own row.</translation>
    </message>
    <message>
        <source>正在保存规则…</source>
        <translation>Saving the rule…</translation>
    </message>
</context>
<context>
    <name>SegmentScope</name>
    <message>
        <source>分群：全部</source>
        <translation>Segment: all</translation>
    </message>
    <message>
        <source>按行为和价值分群：RFM、流失预警、新人活跃、本周最投入</source>
        <translation>Segments by activity and value: RFM, churn warning, active newcomers, most engaged this week</translation>
    </message>
    <message>
        <source>导出分群…</source>
        <translation>Export segment…</translation>
    </message>
    <message>
        <source>导出当前分群的成员，每行附「建议动作」（先在上方选择分群）</source>
        <translation>Export the members of the current segment, each row with a suggested action (choose a segment above first)</translation>
    </message>
    <message>
        <source>正在计算分群…</source>
        <translation>Computing the segment…</translation>
    </message>
    <message>
        <source>分群还在计算，请稍候再导出</source>
        <translation>The segment is still being computed: export it in a moment</translation>
    </message>
    <message>
        <source>导出分群</source>
        <translation>Export segment</translation>
    </message>
    <message numerus="yes">
        <source>导出分群「{name}」的 %Ln 名成员到 Excel，每行附建议动作：{action}</source>
        <translation>
            <numerusform>Export the %Ln member of segment “{name}” to Excel, with the suggested action: {action}</numerusform>
            <numerusform>Export the %Ln members of segment “{name}” to Excel, each row with the suggested action: {action}</numerusform>
        </translation>
    </message>
    <message>
        <source>正在导出分群…</source>
        <translation>Exporting the segment…</translation>
    </message>
    <message numerus="yes">
        <source>已导出分群「{name}」%n 人到 {path}{masked}</source>
        <translation>
            <numerusform>Exported segment “{name}” (%n member) to {path}{masked}</numerusform>
            <numerusform>Exported segment “{name}” (%n members) to {path}{masked}</numerusform>
        </translation>
    </message>
    <message>
        <source>（手机号、微信号已打码）</source>
        <translation> (phones and WeChat IDs masked)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>跟随系统</source>
        <translation>Follow system</translation>
    </message>
    <message>
        <source>浅色</source>
        <translation>Light</translation>
    </message>
    <message>
        <source>深色</source>
        <translation>Dark</translation>
    </message>
    <message>
        <source>留空：使用本机文件 {path}</source>
        <translation>Leave empty to use the local file {path}</translation>
    </message>
    <message>
        <source>测试连接</source>
        <translation>Test connection</translation>
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
        <source>外观</source>
        <translation>Appearance</translation>
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
    <name>SettingsForm</name>
    <message>
        <source>实物</source>
        <translation>Physical</translation>
    </message>
    <message>
        <source>虚拟</source>
        <translation>Virtual</translation>
    </message>
    <message>
        <source>券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <source>无风险自动通过，有风险驳回</source>
        <translation>Approve clean, reject flagged</translation>
    </message>
    <message>
        <source>全部人工审核</source>
        <translation>Hold all for review</translation>
    </message>
    <message>
        <source>无风险自动通过，有风险待审</source>
        <translation>Approve clean, hold flagged</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joins</translation>
    </message>
    <message>
        <source>购买</source>
        <translation>Purchase</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>No limit</translation>
    </message>
    <message>
        <source>每行一个</source>
        <translation>One per line</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Remove</translation>
    </message>
</context>
<context>
    <name>ShapeGroup</name>
    <message>
        <source>形状</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>矩形</source>
        <translation>Rectangle</translation>
    </message>
    <message>
        <source>圆角矩形</source>
        <translation>Rounded rectangle</translation>
    </message>
    <message>
        <source>椭圆</source>
        <translation>Ellipse</translation>
    </message>
    <message>
        <source>无描边</source>
        <translation>No outline</translation>
    </message>
    <message>
        <source>投影</source>
        <translation>Shadow</translation>
    </message>
    <message>
        <source>在形状下方加一层柔和的阴影</source>
        <translation>A soft shadow under the shape</translation>
    </message>
    <message>
        <source>圆角</source>
        <translation>Corner radius</translation>
    </message>
    <message>
        <source>描边宽度</source>
        <translation>Outline width</translation>
    </message>
    <message>
        <source>描边颜色</source>
        <translation>Outline colour</translation>
    </message>
</context>
<context>
    <name>StatementPage</name>
    <message>
        <source>搜索成员：昵称、拼音、手机尾号…</source>
        <translation>Search members: nickname, pinyin, phone&apos;s last digits…</translation>
    </message>
    <message>
        <source>请在左侧选择成员</source>
        <translation>Choose a member on the left</translation>
    </message>
    <message>
        <source>可用积分</source>
        <translation>Available points</translation>
    </message>
    <message>
        <source>待生效</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>计入等级</source>
        <translation>Qualifying</translation>
    </message>
    <message>
        <source>累计获得</source>
        <translation>Earned to date</translation>
    </message>
    <message>
        <source>30 天内到期</source>
        <translation>Expiring within 30 days</translation>
    </message>
    <message>
        <source>发放积分</source>
        <translation>Award points</translation>
    </message>
    <message>
        <source>按规则发放…</source>
        <translation>Award by rule…</translation>
    </message>
    <message>
        <source>扣减积分</source>
        <translation>Deduct points</translation>
    </message>
    <message>
        <source>兑换奖品</source>
        <translation>Redeem reward</translation>
    </message>
    <message>
        <source>补签</source>
        <translation>Make-up check-in</translation>
    </message>
    <message>
        <source>冲正所选流水</source>
        <translation>Reverse selected entry</translation>
    </message>
    <message>
        <source>导出对账单…</source>
        <translation>Export statement…</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>余额</source>
        <translation>Balance</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>流水号</source>
        <translation>Entry no.</translation>
    </message>
    <message>
        <source>选择一位成员查看积分对账单</source>
        <translation>Select a member to see their points statement</translation>
    </message>
    <message>
        <source>在左边的名单里点一位成员，这里列出他的每一笔积分和余额，可以发放、扣减、兑换奖品或冲正。</source>
        <translation>Click a member in the list on the left to see each of their points entries and their balance here, and award, deduct, redeem or reverse.</translation>
    </message>
    <message numerus="yes">
        <source>{name}  · %n 分</source>
        <translation>
            <numerusform>{name}  · %n pt</numerusform>
            <numerusform>{name}  · %n pts</numerusform>
        </translation>
    </message>
    <message>
        <source>{name}（成员 {id}）的积分对账单</source>
        <translation>Points statement of {name} (member {id})</translation>
    </message>
    <message>
        <source>正在扣减积分…</source>
        <translation>Deducting points…</translation>
    </message>
    <message>
        <source>正在发放积分…</source>
        <translation>Awarding points…</translation>
    </message>
    <message>
        <source>正在按规则发放…</source>
        <translation>Awarding by rule…</translation>
    </message>
    <message numerus="yes">
        <source>已按「{rule}」给 %n 位成员发放共 {total} 积分</source>
        <translation>
            <numerusform>Awarded by “{rule}” to %n member (points in total: {total})</numerusform>
            <numerusform>Awarded by “{rule}” to %n members (points in total: {total})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>；%n 位成员接近每日上限 {cap} 分，只发了剩余的积分</source>
        <translation>
            <numerusform>; %n member was near the daily cap of {cap} and got only the remainder</numerusform>
            <numerusform>; %n members were near the daily cap of {cap} and got only the remainder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>；%n 位成员今天已达每日上限 {cap} 分，未发放</source>
        <translation>
            <numerusform>; %n member already reached the daily cap of {cap} today and got nothing</numerusform>
            <numerusform>; %n members already reached the daily cap of {cap} today and got nothing</numerusform>
        </translation>
    </message>
    <message>
        <source>积分商城还没有上架的奖品，请先在「积分商城」新增。</source>
        <translation>The rewards catalogue has no listed rewards yet: add one under “Rewards catalogue” first.</translation>
    </message>
    <message>
        <source>正在兑换…</source>
        <translation>Redeeming…</translation>
    </message>
    <message>
        <source>兑换成功，兑换码：{result}</source>
        <translation>Redeemed. Redemption code: {result}</translation>
    </message>
    <message>
        <source>正在补签…</source>
        <translation>Recording the make-up check-in…</translation>
    </message>
    <message>
        <source>冲正流水</source>
        <translation>Reverse entry</translation>
    </message>
    <message>
        <source>冲正 {points:+d} 分「{reason}」的原因：</source>
        <translation>Reason for reversing “{reason}” (points: {points:+d}):</translation>
    </message>
    <message>
        <source>正在冲正…</source>
        <translation>Reversing…</translation>
    </message>
</context>
<context>
    <name>TemplatePanel</name>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>按画布尺寸新建空白海报</source>
        <translation>New blank poster of a canvas size</translation>
    </message>
    <message>
        <source>自定义尺寸…</source>
        <translation>Custom size…</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>另存为…</source>
        <translation>Save as…</translation>
    </message>
    <message>
        <source>更多</source>
        <translation>More</translation>
    </message>
    <message>
        <source>导入、导出或删除模板</source>
        <translation>Import, export or delete templates</translation>
    </message>
    <message>
        <source>导入模板文件…</source>
        <translation>Import template file…</translation>
    </message>
    <message>
        <source>导出当前模板…</source>
        <translation>Export this template…</translation>
    </message>
    <message>
        <source>连同图片存成一个 .zip 文件，可在另一台电脑导入</source>
        <translation>Saved with its pictures as one .zip file that another computer can import</translation>
    </message>
    <message>
        <source>删除所选模板</source>
        <translation>Delete selected template</translation>
    </message>
    <message>
        <source>竖版海报 1080×1920（朋友圈）</source>
        <translation>Portrait 1080×1920 (Moments)</translation>
    </message>
    <message>
        <source>手机海报 750×1334</source>
        <translation>Phone 750×1334</translation>
    </message>
    <message>
        <source>方形 1080×1080</source>
        <translation>Square 1080×1080</translation>
    </message>
    <message>
        <source>A4 打印 300dpi（2480×3508）</source>
        <translation>A4 print 300 dpi (2480×3508)</translation>
    </message>
    <message>
        <source>内置模板</source>
        <translation>Built-in templates</translation>
    </message>
    <message>
        <source>我的模板</source>
        <translation>My templates</translation>
    </message>
    <message>
        <source>（还没有，编辑后点「另存为」）</source>
        <translation>(none yet: edit one and choose Save As)</translation>
    </message>
</context>
<context>
    <name>TextGroup</name>
    <message>
        <source>文字</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>可用 {昵称}、{邀请码}、{活动名}、{截止日期}、{社群名}</source>
        <translation>You can use {昵称}, {邀请码}, {活动名}, {截止日期}, {社群名}</translation>
    </message>
    <message>
        <source>文字放不下时自动缩小，最小缩到这个字号</source>
        <translation>Text that does not fit shrinks, down to this size</translation>
    </message>
    <message>
        <source>加粗</source>
        <translation>Bold</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>字体</source>
        <translation>Font</translation>
    </message>
    <message>
        <source>字号</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>最小字号</source>
        <translation>Minimum size</translation>
    </message>
    <message>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>使用模板文件自带的字体</source>
        <translation>Uses the font that comes with the template file</translation>
    </message>
    <message>
        <source>本机找不到这个字体，海报无法生成，请改选其他字体</source>
        <translation>This font is not installed on this computer, so the poster cannot be made: choose another font</translation>
    </message>
    <message>
        <source>这个字体不含中文，中文字会被省略</source>
        <translation>This font has no Chinese: Chinese characters will be left out</translation>
    </message>
    <message>
        <source>所选字体按原样使用，「加粗」只对内置字体有效</source>
        <translation>The chosen font is used as it is; Bold only applies to the built-in font</translation>
    </message>
</context>
<context>
    <name>TextLayoutGroup</name>
    <message>
        <source>排版</source>
        <translation>Layout</translation>
    </message>
    <message>
        <source>左对齐</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>居中</source>
        <translation>Centre</translation>
    </message>
    <message>
        <source>右对齐</source>
        <translation>Right</translation>
    </message>
    <message>
        <source>顶部</source>
        <translation>Top</translation>
    </message>
    <message>
        <source>底部</source>
        <translation>Bottom</translation>
    </message>
    <message>
        <source> 倍</source>
        <translation>×</translation>
    </message>
    <message>
        <source>行与行的距离，按字号的倍数</source>
        <translation>Distance between lines, as a multiple of the size</translation>
    </message>
    <message>
        <source>字与字之间额外的距离，可为负数</source>
        <translation>Extra space between characters; may be negative</translation>
    </message>
    <message>
        <source>水平对齐</source>
        <translation>Horizontal</translation>
    </message>
    <message>
        <source>垂直对齐</source>
        <translation>Vertical</translation>
    </message>
    <message>
        <source>行距</source>
        <translation>Line spacing</translation>
    </message>
    <message>
        <source>字间距</source>
        <translation>Letter spacing</translation>
    </message>
</context>
<context>
    <name>TextStrokeGroup</name>
    <message>
        <source>文字描边</source>
        <translation>Text outline</translation>
    </message>
    <message>
        <source>无描边</source>
        <translation>No outline</translation>
    </message>
    <message>
        <source>宽度</source>
        <translation>Width</translation>
    </message>
    <message>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
</context>
<context>
    <name>ThresholdSpin</name>
    <message>
        <source>不限</source>
        <translation>Any</translation>
    </message>
</context>
<context>
    <name>ThresholdsDialog</name>
    <message>
        <source>预警设置</source>
        <translation>Warning thresholds</translation>
    </message>
    <message>
        <source>新群：建群不超过</source>
        <translation>New community: created within</translation>
    </message>
    <message>
        <source>新群 7 天流失超过</source>
        <translation>New community losing in 7 days over</translation>
    </message>
    <message>
        <source>近 7 天互动率低于</source>
        <translation>Interaction in 7 days below</translation>
    </message>
    <message>
        <source>近 7 天沉默成员超过</source>
        <translation>Silent for 7 days over</translation>
    </message>
    <message>
        <source>KOC 占比下限</source>
        <translation>KOC share at least</translation>
    </message>
    <message>
        <source>KOC 占比上限</source>
        <translation>KOC share at most</translation>
    </message>
    <message>
        <source>成员少于此数的群不看占比</source>
        <translation>Skip share warnings for communities smaller than</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source> 人</source>
        <translation> members</translation>
    </message>
    <message>
        <source>恢复默认</source>
        <translation>Restore defaults</translation>
    </message>
    <message>
        <source>社群健康预警在概览和周报里用这些阈值。</source>
        <translation>The community warnings on the overview and in the weekly report use these thresholds.</translation>
    </message>
</context>
<context>
    <name>TiersTab</name>
    <message>
        <source>分层</source>
        <translation>Tiers</translation>
    </message>
    <message>
        <source>输入群名查找</source>
        <translation>Type to find a group</translation>
    </message>
    <message>
        <source>社群</source>
        <translation>Community</translation>
    </message>
    <message>
        <source>粘贴接龙…</source>
        <translation>Paste chain sign-up (接龙)…</translation>
    </message>
    <message>
        <source>导入行为…</source>
        <translation>Import activity…</translation>
    </message>
    <message>
        <source>等级规则…</source>
        <translation>Level rules…</translation>
    </message>
    <message>
        <source>行为权重…</source>
        <translation>Activity weights…</translation>
    </message>
    <message>
        <source>重新计算等级</source>
        <translation>Recalculate levels</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>锁定</source>
        <translation>Locked</translation>
    </message>
    <message>
        <source>占比</source>
        <translation>Share</translation>
    </message>
    <message>
        <source>角色 / 等级</source>
        <translation>Role / level</translation>
    </message>
    <message>
        <source>月初等级</source>
        <translation>Level at month start</translation>
    </message>
    <message>
        <source>月初人数</source>
        <translation>At month start</translation>
    </message>
    <message>
        <source>升级</source>
        <translation>Promoted</translation>
    </message>
    <message>
        <source>保持</source>
        <translation>Stayed</translation>
    </message>
    <message>
        <source>降级</source>
        <translation>Demoted</translation>
    </message>
    <message>
        <source>离开</source>
        <translation>Left</translation>
    </message>
    <message>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>现在</source>
        <translation>Current</translation>
    </message>
    <message>
        <source>建议</source>
        <translation>Suggested</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Based on</translation>
    </message>
    <message>
        <source>采纳所选建议</source>
        <translation>Accept selected suggestions</translation>
    </message>
    <message>
        <source>等级分布</source>
        <translation>Level distribution</translation>
    </message>
    <message>
        <source>角色结构</source>
        <translation>Role mix</translation>
    </message>
    <message>
        <source>等级流动</source>
        <translation>Level flow</translation>
    </message>
    <message>
        <source>角色建议</source>
        <translation>Role suggestions</translation>
    </message>
    <message>
        <source>全部社群</source>
        <translation>All communities</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>等级：{level}</source>
        <translation>Level: {level}</translation>
    </message>
    <message numerus="yes">
        <source>%n 条建议。选中要采纳的行（可多选），点「采纳所选建议」。</source>
        <translation>
            <numerusform>%n suggestion. Select the row to accept and click “Accept selected suggestions”.</numerusform>
            <numerusform>%n suggestions. Select the rows to accept (several if you like) and click “Accept selected suggestions”.</numerusform>
        </translation>
    </message>
    <message>
        <source>{level} {count}</source>
        <translation>{level} {count}</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>各层都有人，结构健康</source>
        <translation>Every role is filled: the structure is healthy</translation>
    </message>
    <message>
        <source>选择一个社群，查看按行为建议的角色</source>
        <translation>Choose a community to see roles suggested by activity</translation>
    </message>
    <message>
        <source>目前没有建议：追随者里还没有人达到其他角色的标准</source>
        <translation>No suggestions for now: no follower meets the criteria of another role yet</translation>
    </message>
    <message>
        <source>本月新加入</source>
        <translation>New this month</translation>
    </message>
    <message>
        <source>请先选中要采纳的建议</source>
        <translation>Select the suggestions to accept first</translation>
    </message>
    <message>
        <source>正在设置角色…</source>
        <translation>Setting roles…</translation>
    </message>
    <message>
        <source>已重新计算：升级 {up} 人，降级 {down} 人（{seconds} 秒）</source>
        <translation>Recalculated: {up} promoted, {down} demoted ({seconds} s)</translation>
    </message>
    <message>
        <source>正在重新计算等级…</source>
        <translation>Recalculating levels…</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>今日待发</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>复制后到微信群里粘贴发送，发完点「标记已发送」。程序不会替你发消息。</source>
        <translation>Copy, paste and send it in the WeChat group, then click “Mark sent”. The program never sends messages for you.</translation>
    </message>
    <message>
        <source>今天没有要发的内容</source>
        <translation>Nothing to send today</translation>
    </message>
    <message>
        <source>在日历里排好内容或套用 SOP 模板，到了那天就会出现在这里。</source>
        <translation>Plan content in the calendar or apply an SOP template; it shows up here on its day.</translation>
    </message>
    <message>
        <source>{count} 条待发</source>
        <translation>{count} to send</translation>
    </message>
    <message>
        <source>{text} · {template} · {window} ›</source>
        <translation>{text} · {template} · {window} ›</translation>
    </message>
    <message>
        <source>推广</source>
        <translation>Promo</translation>
    </message>
    <message>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>正文（和第一张图片）放到剪贴板</source>
        <translation>Puts the text (and the first picture) on the clipboard</translation>
    </message>
    <message>
        <source>标记已发送</source>
        <translation>Mark sent</translation>
    </message>
    <message>
        <source>审核通过后才能发送</source>
        <translation>Can be sent once it is approved</translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>复制图片「{title}」</source>
        <translation>Copy picture “{title}”</translation>
    </message>
    <message>
        <source>打开文件夹「{title}」</source>
        <translation>Open folder of “{title}”</translation>
    </message>
    <message>
        <source>逾期 · {when}</source>
        <translation>Overdue · {when}</translation>
    </message>
    <message>
        <source>{time} 已过</source>
        <translation>{time} passed</translation>
    </message>
    <message>
        <source>已复制「{title}」的正文和图片</source>
        <translation>Copied the text and picture of “{title}”</translation>
    </message>
    <message>
        <source>已复制「{title}」的正文</source>
        <translation>Copied the text of “{title}”</translation>
    </message>
    <message>
        <source>图片「{title}」找不到了</source>
        <translation>The picture “{title}” is missing</translation>
    </message>
    <message>
        <source>已复制图片「{title}」</source>
        <translation>Copied the picture “{title}”</translation>
    </message>
    <message>
        <source>正在标记已发送…</source>
        <translation>Marking as sent…</translation>
    </message>
    <message>
        <source>已标记发送：{title}（{time}）</source>
        <translation>Marked sent: {title} ({time})</translation>
    </message>
</context>
<context>
    <name>ToolImportDialog</name>
    <message>
        <source>导入裂变工具明细</source>
        <translation>Import a campaign tool export</translation>
    </message>
    <message>
        <source>LinkWeChat 导出的「群裂变明细」或「任务宝明细」表格：记下每人带来的新客数。</source>
        <translation>A LinkWeChat 群裂变明细 (group fission detail) or 任务宝明细 (task detail) export: how many new customers each participant brought.</translation>
    </message>
    <message>
        <source>选择导出的 .xlsx / .xls / .csv 文件</source>
        <translation>Choose the exported .xlsx / .xls / .csv file</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>选择裂变工具导出的表格</source>
        <translation>Choose the campaign tool&apos;s export</translation>
    </message>
    <message>
        <source>表格文件 ({files})</source>
        <translation>Spreadsheets ({files})</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>正在读取表格…</source>
        <translation>Reading the spreadsheet…</translation>
    </message>
    <message>
        <source>群裂变明细</source>
        <translation>group fission detail</translation>
    </message>
    <message>
        <source>任务宝明细</source>
        <translation>task detail</translation>
    </message>
    <message>
        <source>LinkWeChat {kind}：{rows} 行，认出成员 {matched} 人，未找到 {unmatched} 人，同名多人 {ambiguous} 人。导入将新增 {added}、更新 {updated}、不变 {unchanged}。</source>
        <translation>LinkWeChat {kind}: {rows} rows; {matched} matched to members, {unmatched} not found, {ambiguous} with namesakes. Importing adds {added}, updates {updated}, leaves {unchanged} unchanged.</translation>
    </message>
    <message>
        <source>未找到的成员（照样导入，不计到人）</source>
        <translation>Not found (imported, counted for no member)</translation>
    </message>
    <message>
        <source>同名多人、未认定</source>
        <translation>Several members of that name (not guessed)</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>这类明细只有每人合计、没有邀请关系，无法给出：{figures}</source>
        <translation>Such an export holds per-person totals and no invites, so it cannot give: {figures}</translation>
    </message>
    <message>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>已导入 LinkWeChat {kind} {rows} 行：新增 {added}，更新 {updated}，不变 {unchanged}；认出成员 {matched} 人。</source>
        <translation>Imported {rows} rows of a LinkWeChat {kind}: {added} added, {updated} updated, {unchanged} unchanged; {matched} matched to members.</translation>
    </message>
</context>
<context>
    <name>TotalsView</name>
    <message>
        <source>参与者（明细中的写法）</source>
        <translation>Participant (as in the file)</translation>
    </message>
    <message>
        <source>认出的成员</source>
        <translation>Member matched</translation>
    </message>
    <message>
        <source>未认出</source>
        <translation>Not matched</translation>
    </message>
    <message>
        <source>群</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>发送员工</source>
        <translation>Sent by</translation>
    </message>
    <message>
        <source>裂变状态</source>
        <translation>Fission state</translation>
    </message>
    <message>
        <source>裂变新客数</source>
        <translation>New customers</translation>
    </message>
    <message>
        <source>{files}：{participants} 位参与者共带来 {count} 位新客，{done} 位已完成；认出成员 {matched} 位</source>
        <translation>{files}: {participants} participants brought {count} new customers, {done} done; members matched: {matched}</translation>
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
    <message numerus="yes">
        <source>彻底删除「{name}」？它的 %Ln 条入群记录和进退群历史会一并删除，不能撤销。</source>
        <translation>
            <numerusform>Delete “{name}” for good? Its %Ln membership and join/leave history will be deleted too. This cannot be undone.</numerusform>
            <numerusform>Delete “{name}” for good? Its %Ln memberships and join/leave history will be deleted too. This cannot be undone.</numerusform>
        </translation>
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
    <name>TreePage</name>
    <message>
        <source>查找参与者：昵称、拼音或首字母</source>
        <translation>Find a participant: nickname, pinyin or initials</translation>
    </message>
    <message>
        <source>参与者</source>
        <translation>Participant</translation>
    </message>
    <message>
        <source>入群时间</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>波次</source>
        <translation>Wave</translation>
    </message>
    <message>
        <source>邀请</source>
        <translation>Invited</translation>
    </message>
    <message>
        <source>已核实</source>
        <translation>Verified</translation>
    </message>
    <message>
        <source>下游人数</source>
        <translation>Below</translation>
    </message>
    <message>
        <source>谁带来的</source>
        <translation>Brought by</translation>
    </message>
    <message>
        <source>带来了谁</source>
        <translation>Brought in</translation>
    </message>
    <message>
        <source>在左侧选一位参与者，或在上方查找。</source>
        <translation>Pick a participant on the left, or find one above.</translation>
    </message>
    <message>
        <source>还没有参与者</source>
        <translation>No participants yet</translation>
    </message>
    <message>
        <source>发出邀请码或导入邀请关系后，这里会显示谁带来了谁。</source>
        <translation>Once invite codes go out or referrals are imported, this shows who brought whom.</translation>
    </message>
    <message>
        <source>保存为 PNG…</source>
        <translation>Save as PNG…</translation>
    </message>
    <message>
        <source>每一行是一波：种子带来第 1 波，第 1 波带来第 2 波……</source>
        <translation>Each row is a wave: the seeds bring wave 1, wave 1 brings wave 2, …</translation>
    </message>
    <message>
        <source>邀请树</source>
        <translation>Referral tree</translation>
    </message>
    <message>
        <source>裂变图</source>
        <translation>Cascade</translation>
    </message>
    <message>
        <source>裂变树</source>
        <translation>Tree</translation>
    </message>
    <message>
        <source>成员 #{id}</source>
        <translation>Member #{id}</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>0（种子）</source>
        <translation>0 (seed)</translation>
    </message>
    <message>
        <source>活动中没有找到「{text}」</source>
        <translation>No participant of this campaign matches “{text}”</translation>
    </message>
    <message>
        <source>邀请关系成环，找不到种子：{path}</source>
        <translation>The referrals form a loop, no seed above: {path}</translation>
    </message>
    <message>
        <source>{name} 是种子参与者</source>
        <translation>{name} is a seed participant</translation>
    </message>
    <message>
        <source>还没有带来新成员</source>
        <translation>Has not brought anyone yet</translation>
    </message>
    <message>
        <source>{count} 人：{names}</source>
        <translation>{count}: {names}</translation>
    </message>
    <message>
        <source> 等</source>
        <translation> and more</translation>
    </message>
    <message>
        <source>保存裂变图</source>
        <translation>Save the cascade</translation>
    </message>
    <message>
        <source>裂变图.png</source>
        <translation>cascade.png</translation>
    </message>
    <message>
        <source>PNG 图片 (*.png)</source>
        <translation>PNG image (*.png)</translation>
    </message>
    <message>
        <source>保存失败</source>
        <translation>Could not save</translation>
    </message>
    <message>
        <source>无法写入 {path}：{error}</source>
        <translation>Cannot write {path}: {error}</translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message numerus="yes">
        <source>%n 天</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>剩 %n 天</source>
        <translation>
            <numerusform>%n day left</numerusform>
            <numerusform>%n days left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 分</source>
        <translation>
            <numerusform>%n pt</numerusform>
            <numerusform>%n pts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 分/元</source>
        <translation>
            <numerusform>%n pt/yuan</numerusform>
            <numerusform>%n pts/yuan</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 次</source>
        <translation>
            <numerusform>%n time</numerusform>
            <numerusform>%n times</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 人</source>
        <translation>
            <numerusform>%n member</numerusform>
            <numerusform>%n members</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WeekPage</name>
    <message>
        <source>周</source>
        <translation>Week</translation>
    </message>
</context>
<context>
    <name>WeightsDialog</name>
    <message>
        <source>行为权重</source>
        <translation>Activity weights</translation>
    </message>
    <message>
        <source>每种行为在活跃度评分中算多少分（1–12 为常用范围，违规为负分）。评分用于「本周最投入」等分群，每天封顶，稳定参与胜过一次刷屏。</source>
        <translation>How much each kind of activity counts in the engagement score (1–12 is the usual range; violations count negative). The score drives segments such as “most engaged this week” (本周最投入); it is capped per day, so steady participation beats one burst of messages.</translation>
    </message>
    <message>
        <source>默认 {n}</source>
        <translation>Default {n}</translation>
    </message>
</context>
<context>
    <name>_StopRow</name>
    <message>
        <source>色标位置：0% 为起点，100% 为终点</source>
        <translation>Stop position: 0% is the start, 100% the end</translation>
    </message>
    <message>
        <source>删除这个色标</source>
        <translation>Remove this colour stop</translation>
    </message>
</context>
<context>
    <name>canvas</name>
    <message>
        <source>「{phrase}」：{reason}</source>
        <translation>“{phrase}”: {reason}</translation>
    </message>
    <message>
        <source>拖动旋转（Shift：每次 15°）</source>
        <translation>Drag to rotate (Shift: 15° steps)</translation>
    </message>
</context>
<context>
    <name>chat_entry</name>
    <message>
        <source>群聊记录…</source>
        <translation>Chat history…</translation>
    </message>
</context>
<context>
    <name>chat_labels</name>
    <message>
        <source>文字</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>图片</source>
        <translation>Image</translation>
    </message>
    <message>
        <source>语音</source>
        <translation>Voice</translation>
    </message>
    <message>
        <source>视频</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>表情</source>
        <translation>Sticker</translation>
    </message>
    <message>
        <source>链接</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>接龙</source>
        <translation>Jielong (sign-up list)</translation>
    </message>
    <message>
        <source>红包</source>
        <translation>Red packet</translation>
    </message>
    <message>
        <source>引用回复</source>
        <translation>Quote reply</translation>
    </message>
    <message>
        <source>转账</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>名片</source>
        <translation>Contact card</translation>
    </message>
    <message>
        <source>小程序</source>
        <translation>Mini program</translation>
    </message>
    <message>
        <source>聊天记录</source>
        <translation>Forwarded chat</translation>
    </message>
    <message>
        <source>通话</source>
        <translation>Call</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>邀请</source>
        <translation>Invited</translation>
    </message>
    <message>
        <source>扫码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>邀请链接</source>
        <translation>Invite link</translation>
    </message>
    <message>
        <source>未说明</source>
        <translation>Not stated</translation>
    </message>
    <message>
        <source>按群 ID</source>
        <translation>By chat ID</translation>
    </message>
    <message>
        <source>按群名</source>
        <translation>By group name</translation>
    </message>
    <message>
        <source>按指定</source>
        <translation>As chosen</translation>
    </message>
    <message>
        <source>将新建</source>
        <translation>To be created</translation>
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
        <translation>The group QR code expires on {date} (days left: {days}): prepare a new one</translation>
    </message>
    <message>
        <source>群已满（{members}/{cap} 人），请开新群</source>
        <translation>The group is full ({members}/{cap}): open a new group</translation>
    </message>
    <message>
        <source>已有 {members} 人，距 {cap} 人上限只剩 {left} 个名额，准备开新群</source>
        <translation>{members} members, places left before the cap of {cap}: {left}; get a new group ready</translation>
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
        <source>不需要</source>
        <translation>Not needed</translation>
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
    <name>core</name>
    <message>
        <source>请填写社群名称</source>
        <translation>Please enter the community&apos;s name</translation>
    </message>
    <message>
        <source>社群名称最长 {limit} 个字</source>
        <translation>A community name has at most {limit} characters</translation>
    </message>
    <message>
        <source>未知的平台：{platform}</source>
        <translation>Unknown platform: {platform}</translation>
    </message>
    <message>
        <source>群人数上限必须是正整数</source>
        <translation>The member cap must be a positive whole number</translation>
    </message>
    <message>
        <source>扫码进群上限必须是正整数</source>
        <translation>The scan-in cap must be a positive whole number</translation>
    </message>
    <message>
        <source>扫码进群上限不能大于群人数上限</source>
        <translation>The scan-in cap cannot be larger than the member cap</translation>
    </message>
    <message>
        <source>二维码有效天数必须是正整数</source>
        <translation>The QR code&apos;s days of validity must be a positive whole number</translation>
    </message>
    <message>
        <source>每个标签最长 {limit} 个字</source>
        <translation>Each tag has at most {limit} characters</translation>
    </message>
    <message>
        <source>建群日期不能晚于今天</source>
        <translation>The creation date cannot be later than today</translation>
    </message>
    <message>
        <source>已有名为「{name}」的社群</source>
        <translation>There is already a community called “{name}”</translation>
    </message>
    <message>
        <source>这个社群不存在或已被删除</source>
        <translation>This community does not exist or was deleted</translation>
    </message>
    <message>
        <source>这个社群不在回收站里</source>
        <translation>This community is not in the trash</translation>
    </message>
    <message>
        <source>只能彻底删除回收站里的社群</source>
        <translation>Only communities in the trash can be deleted for good</translation>
    </message>
    <message>
        <source>「{name}」还有入群记录，彻底删除会一并删除这些记录；请确认后再删除</source>
        <translation>“{name}” still has membership records, which deleting it for good also deletes; please confirm first</translation>
    </message>
    <message>
        <source>没有名为「{name}」的社群</source>
        <translation>There is no community called “{name}”</translation>
    </message>
    <message>
        <source>成员列（成员编号、微信号、手机号或昵称）、日期列（日期/时间），以及行为列（行为/类型）或以行为命名的次数列（签到、发言、邀请…）</source>
        <translation>a member column (member number, WeChat ID, phone or nickname), a date column (date/time), and either an activity column (activity/type) or count columns named after activities (check-in, message, invite…)</translation>
    </message>
    <message>
        <source>没有日期</source>
        <translation>No date</translation>
    </message>
    <message>
        <source>日期 {date} 在将来</source>
        <translation>The date {date} is in the future</translation>
    </message>
    <message>
        <source>日期 {date} 早于 2000 年，请检查</source>
        <translation>The date {date} is before 2000; please check it</translation>
    </message>
    <message>
        <source>次数应为整数：{value}</source>
        <translation>The count must be a whole number: {value}</translation>
    </message>
    <message>
        <source>次数应在 {low}–{high} 之间：{value}</source>
        <translation>The count must be between {low} and {high}: {value}</translation>
    </message>
    <message>
        <source>看不懂的金额：{value}</source>
        <translation>Unreadable amount: {value}</translation>
    </message>
    <message>
        <source>金额不能是负数：{value}</source>
        <translation>The amount cannot be negative: {value}</translation>
    </message>
    <message>
        <source>第 {row} 行像是表头，但缺少{missing}</source>
        <translation>row {row} looks like a header but lacks {missing}</translation>
    </message>
    <message>
        <source>找不到编号为 {id} 的社群（可能已删除）</source>
        <translation>No community with number {id} (it may have been deleted)</translation>
    </message>
    <message>
        <source>文件「{file}」是 JSON：行为记录请用 Excel 表格（.xlsx/.xls/.ods）或 CSV 导入</source>
        <translation>“{file}” is a JSON file: import activity from an Excel spreadsheet (.xlsx/.xls/.ods) or a CSV file</translation>
    </message>
    <message>
        <source>文件「{file}」里找不到行为记录的表头：前 {rows} 行里需要有一行列名，包含{needed}</source>
        <translation>No activity header found in “{file}”: one of the first {rows} rows must hold the column names, with {needed}</translation>
    </message>
    <message>
        <source>文件「{file}」只有表头，没有数据行</source>
        <translation>“{file}” has a header but no data rows</translation>
    </message>
    <message>
        <source>工作表「{sheet}」{problem}</source>
        <translation>Sheet “{sheet}”: {problem}</translation>
    </message>
    <message>
        <source>有 {count} 个社群都叫「{name}」，请先改名区分</source>
        <translation>{count} communities are named “{name}”: rename them first so they can be told apart</translation>
    </message>
    <message>
        <source>找不到「{name}」：按昵称找成员需要知道社群（请在文件里加「社群」列，或导入时选择社群）</source>
        <translation>“{name}” not found: finding a member by nickname needs the community (add a “社群” column to the file, or choose a community when importing)</translation>
    </message>
    <message>
        <source>「{name}」</source>
        <translation>“{name}”</translation>
    </message>
    <message>
        <source>文件「{file}」里找不到行为记录的表头：前 {rows} 行里需要有一行列名，包含{needed}（{detail}）</source>
        <translation>No activity header found in “{file}”: one of the first {rows} rows must hold the column names, with {needed} ({detail})</translation>
    </message>
    <message>
        <source>工作表「{sheet}」里找不到行为记录的表头，已跳过</source>
        <translation>No activity header found in sheet “{sheet}”; it was skipped</translation>
    </message>
    <message>
        <source>文件「{file}」超过 {limit:,} 行的上限：请拆分成几个文件后分批导入</source>
        <translation>“{file}” has more than the limit of {limit:,} rows: split it into several files and import them one by one</translation>
    </message>
    <message>
        <source>成员编号应为数字：{value}</source>
        <translation>The member number must be a number: {value}</translation>
    </message>
    <message>
        <source>没有成员（成员编号、微信号、手机号或昵称都是空的）</source>
        <translation>No member (member number, WeChat ID, phone and nickname are all empty)</translation>
    </message>
    <message>
        <source>没有行为类型</source>
        <translation>No activity type</translation>
    </message>
    <message>
        <source>文件「{file}」会产生超过 {limit:,} 条行为记录：请拆分成几个文件后分批导入</source>
        <translation>“{file}” would record more than {limit:,} activities: split it into several files and import them one by one</translation>
    </message>
    <message>
        <source>成员编号 {id} 不存在</source>
        <translation>Member number {id} does not exist</translation>
    </message>
    <message>
        <source>微信号「{value}」对应 {count} 位成员，无法确定是谁</source>
        <translation>WeChat ID “{value}” belongs to {count} members: cannot tell which one</translation>
    </message>
    <message>
        <source>微信号「{value}」</source>
        <translation>WeChat ID “{value}”</translation>
    </message>
    <message>
        <source>手机号「{value}」对应 {count} 位成员，无法确定是谁</source>
        <translation>Phone number “{value}” belongs to {count} members: cannot tell which one</translation>
    </message>
    <message>
        <source>手机号「{value}」</source>
        <translation>phone number “{value}”</translation>
    </message>
    <message>
        <source>找不到成员：{tried}（在「{community}」里）</source>
        <translation>Member not found: {tried} (in “{community}”)</translation>
    </message>
    <message>
        <source>找不到成员：{tried}</source>
        <translation>Member not found: {tried}</translation>
    </message>
    <message>
        <source>成员列（成员编号、微信号、手机号或昵称）</source>
        <translation>a member column (member number, WeChat ID, phone or nickname)</translation>
    </message>
    <message>
        <source>行为列（行为/类型）或以行为命名的次数列</source>
        <translation>an activity column (activity/type) or count columns named after activities</translation>
    </message>
    <message>
        <source>日期列（日期/时间）</source>
        <translation>a date column (date/time)</translation>
    </message>
    <message>
        <source>不认识的行为类型「{kind}」</source>
        <translation>Unknown activity type “{kind}”</translation>
    </message>
    <message>
        <source>「{column}」列：{problem}</source>
        <translation>Column “{column}”: {problem}</translation>
    </message>
    <message>
        <source>请在微信里长按整条接龙消息 → 复制，再粘贴到这里；名单行应形如「1. 张三 已打卡」。</source>
        <translation>In WeChat, long-press the whole chain sign-up (接龙) message → Copy, then paste it here; the list lines look like “1. 张三 已打卡”.</translation>
    </message>
    <message>
        <source>接龙标记行</source>
        <translation>Chain sign-up (接龙) marker line</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>说明文字</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>示例行（例/格式），不是报名的人</source>
        <translation>Example line (例/格式), not a person signing up</translation>
    </message>
    <message>
        <source>只有序号，没有名字（可能删掉了自己的名字）</source>
        <translation>Only a number, no name (someone may have deleted their name)</translation>
    </message>
    <message>
        <source>这一行没有名字，只有打卡内容</source>
        <translation>This line has no name, only a check-in note</translation>
    </message>
    <message>
        <source>名字超过 {limit} 个字，不像昵称</source>
        <translation>The name is longer than {limit} characters; it does not look like a nickname</translation>
    </message>
    <message>
        <source>名单之后的文字</source>
        <translation>Text after the list</translation>
    </message>
    <message>
        <source>同一个名字又写了一次，只算一次</source>
        <translation>The same name written again; counted once</translation>
    </message>
    <message>
        <source>粘贴的内容太长（超过 {size} MB），不像一条接龙消息。请只复制接龙那一条消息。</source>
        <translation>The pasted text is too long (over {size} MB) for a chain sign-up message. Copy only the sign-up message itself.</translation>
    </message>
    <message>
        <source>粘贴的内容不是文字（像是图片或文件的内容），请复制接龙消息的文字。</source>
        <translation>The pasted content is not text (it looks like an image or a file). Copy the text of the chain sign-up message.</translation>
    </message>
    <message>
        <source>粘贴的内容有 {lines} 行，超过 {limit} 行，不像一条接龙消息。请只复制接龙那一条消息。</source>
        <translation>The pasted text has {lines} lines, more than {limit}: that is not one chain sign-up message. Copy only the sign-up message itself.</translation>
    </message>
    <message>
        <source>没有找到接龙名单：粘贴的内容是空的。{hint}</source>
        <translation>No sign-up list found: the pasted text is empty. {hint}</translation>
    </message>
    <message>
        <source>没有找到接龙名单：这段文字里没有报名的名字。{hint}</source>
        <translation>No sign-up list found: this text has no names signing up. {hint}</translation>
    </message>
    <message>
        <source>签到</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>发言</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>优质内容</source>
        <translation>Good post</translation>
    </message>
    <message>
        <source>回答问题</source>
        <translation>Answered question</translation>
    </message>
    <message>
        <source>参加活动</source>
        <translation>Attended event</translation>
    </message>
    <message>
        <source>购买</source>
        <translation>Purchase</translation>
    </message>
    <message>
        <source>邀请成功</source>
        <translation>Successful invite</translation>
    </message>
    <message>
        <source>分享</source>
        <translation>Share</translation>
    </message>
    <message>
        <source>反馈</source>
        <translation>Feedback</translation>
    </message>
    <message>
        <source>违规</source>
        <translation>Violation</translation>
    </message>
    <message>
        <source>未知的行为类型：{kind}</source>
        <translation>Unknown activity type: {kind}</translation>
    </message>
    <message>
        <source>「{kind}」的权重必须是整数</source>
        <translation>The weight of “{kind}” must be a whole number</translation>
    </message>
    <message>
        <source>「{kind}」的权重须在 {low} 到 {high} 之间</source>
        <translation>The weight of “{kind}” must be between {low} and {high}</translation>
    </message>
    <message>
        <source>成员 #{id}</source>
        <translation>Member #{id}</translation>
    </message>
    <message>
        <source>打卡日期 {date} 在将来，请检查接龙标题里的日期</source>
        <translation>The check-in date {date} is in the future; check the date in the sign-up&apos;s title</translation>
    </message>
    <message>
        <source>为「{name}」选择的成员不在这个群里</source>
        <translation>The member chosen for “{name}” is not in this group</translation>
    </message>
    <message>
        <source>有 {count} 个成员不存在或已被合并，没有记录任何行为</source>
        <translation>Members that do not exist or were merged: {count}; no activity was recorded</translation>
    </message>
    <message>
        <source>所选社群不存在或已删除，没有记录任何行为</source>
        <translation>The chosen community does not exist or was deleted; no activity was recorded</translation>
    </message>
    <message>
        <source>行为时间 {date} 在将来，请检查日期</source>
        <translation>The activity date {date} is in the future; please check the date</translation>
    </message>
    <message>
        <source>「{file}」已损坏：{status}</source>
        <translation>“{file}” is damaged: {status}</translation>
    </message>
    <message>
        <source>「{file}」不是社群运营工作台的数据库</source>
        <translation>“{file}” is not a Community Workbench database</translation>
    </message>
    <message>
        <source>「{file}」不是可用的数据库备份：{error}</source>
        <translation>“{file}” is not a usable database backup: {error}</translation>
    </message>
    <message>
        <source>无法连接数据库 {where}：{detail}</source>
        <translation>Cannot connect to the database {where}: {detail}</translation>
    </message>
    <message>
        <source>数据库 {where} 正被其他程序占用（已锁定），请稍后再试</source>
        <translation>The database {where} is in use by another program (locked); please try again later</translation>
    </message>
    <message>
        <source>{where} 不是有效的数据库文件或已损坏，可从「文件 → 恢复备份」还原</source>
        <translation>{where} is not a valid database file or is damaged; you can restore it from “File → Restore backup”</translation>
    </message>
    <message>
        <source>数据库 {where} 是只读的，无法写入</source>
        <translation>The database {where} is read-only and cannot be written</translation>
    </message>
    <message>
        <source>磁盘已满，无法写入数据库 {where}</source>
        <translation>The disk is full; cannot write the database {where}</translation>
    </message>
    <message>
        <source>无法打开数据库文件 {where}（目录不存在或没有权限）</source>
        <translation>Cannot open the database file {where} (the folder does not exist or access is denied)</translation>
    </message>
    <message>
        <source>数据库地址无效：{url}（{error}）</source>
        <translation>Invalid database URL: {url} ({error})</translation>
    </message>
    <message>
        <source>缺少数据库驱动 {driver}：{url}</source>
        <translation>The database driver {driver} is missing: {url}</translation>
    </message>
    <message>
        <source>数据库 {url} 由更新版本的程序写入（版本 {version}），请升级本程序后再打开</source>
        <translation>The database {url} was written by a newer version of the program (version {version}); please upgrade the program before opening it</translation>
    </message>
    <message>
        <source>无法创建数据库所在的文件夹 {folder}：{error}</source>
        <translation>Cannot create the database folder {folder}: {error}</translation>
    </message>
    <message>
        <source>图片</source>
        <translation>Picture</translation>
    </message>
    <message>
        <source>请选择 PNG 或 JPG 格式的图片</source>
        <translation>Please choose a PNG or JPG image</translation>
    </message>
    <message>
        <source>{what}文件是空的</source>
        <translation>{what}: the file is empty</translation>
    </message>
    <message>
        <source>{what}文件太大（超过 {size} MB）</source>
        <translation>{what}: the file is too large (over {size} MB)</translation>
    </message>
    <message>
        <source>不支持的图片格式：{format}，请使用 PNG 或 JPG</source>
        <translation>Unsupported image format: {format}; please use PNG or JPG</translation>
    </message>
    <message>
        <source>{what}尺寸过大（{width}×{height}），请缩小后再使用</source>
        <translation>{what}: the picture is too large ({width}×{height}); please make it smaller first</translation>
    </message>
    <message>
        <source>这个文件不是图片，{hint}</source>
        <translation>This file is not an image. {hint}</translation>
    </message>
    <message>
        <source>{what}尺寸过大，可能是异常文件，已拒绝</source>
        <translation>{what}: the picture is too large and may be a malicious file; refused</translation>
    </message>
    <message>
        <source>{what}文件已损坏或不完整，无法读取</source>
        <translation>{what}: the file is damaged or incomplete and cannot be read</translation>
    </message>
    <message>
        <source>{what}文件无法转换，请另存为 PNG 或 JPG 后再试</source>
        <translation>{what}: the file cannot be converted; save it as PNG or JPG and try again</translation>
    </message>
    <message>
        <source>导出文件必须是 .xlsx</source>
        <translation>The export file must be .xlsx</translation>
    </message>
    <message>
        <source>{a}、{b}</source>
        <translation>{a}, {b}</translation>
    </message>
    <message>
        <source>金额超过 1000 万元：{value}</source>
        <translation>The amount is over ¥10 million: {value}</translation>
    </message>
    <message>
        <source>表格「{sheet}」{problem}</source>
        <translation>Table “{sheet}”: {problem}</translation>
    </message>
    <message>
        <source>「{community}」里有 {count} 位成员都可能是「{name}」：{candidates}，无法确定是谁</source>
        <translation>{count} members of “{community}” could be “{name}”: {candidates}; cannot tell which one</translation>
    </message>
    <message>
        <source>{member}（#{id}）</source>
        <translation>{member} (#{id})</translation>
    </message>
    <message>
        <source>金额必须在 0 到 1000 万元之间</source>
        <translation>The amount must be between ¥0 and ¥10 million</translation>
    </message>
    <message>
        <source>删除这条内容</source>
        <translation>delete this item</translation>
    </message>
    <message>
        <source>数据库正被其他程序占用（已锁定），请稍后再试</source>
        <translation>The database is in use by another program (locked); please try again later</translation>
    </message>
    <message>
        <source>{a}、{b}、{c}</source>
        <translation>{a}, {b}, {c}</translation>
    </message>
    <message>
        <source>{a}、{b}、{c}、{d}</source>
        <translation>{a}, {b}, {c}, {d}</translation>
    </message>
    <message>
        <source>{a}，{b}</source>
        <translation>{a}, {b}</translation>
    </message>
    <message>
        <source>{a}，{b}，{c}</source>
        <translation>{a}, {b}, {c}</translation>
    </message>
    <message>
        <source>{a}，{b}，{c}，{d}</source>
        <translation>{a}, {b}, {c}, {d}</translation>
    </message>
    <message>
        <source>{a}；{b}</source>
        <translation>{a}; {b}</translation>
    </message>
    <message>
        <source>{a}；{b}；{c}</source>
        <translation>{a}; {b}; {c}</translation>
    </message>
    <message>
        <source>{a}；{b}；{c}；{d}</source>
        <translation>{a}; {b}; {c}; {d}</translation>
    </message>
    <message>
        <source>{a} · {b}</source>
        <translation>{a} · {b}</translation>
    </message>
    <message>
        <source>{a} · {b} · {c}</source>
        <translation>{a} · {b} · {c}</translation>
    </message>
    <message>
        <source>{a} · {b} · {c} · {d}</source>
        <translation>{a} · {b} · {c} · {d}</translation>
    </message>
    <message>
        <source>文件夹不存在：{folder}</source>
        <translation>The folder does not exist: {folder}</translation>
    </message>
    <message>
        <source>无法写入 {file}：{error}</source>
        <translation>Cannot write {file}: {error}</translation>
    </message>
    <message>
        <source>群二维码还剩 {days} 天，人数也没有接近上限：不需要处理</source>
        <translation>Days left on the group QR code: {days}, and the group is not near a cap: nothing to do</translation>
    </message>
    <message>
        <source>已归档：归档的群不在需要处理里</source>
        <translation>Archived: archived groups are not listed under Needs attention</translation>
    </message>
    <message>
        <source>已有 {members} 人，超过 {cap} 人扫码进群上限：新成员只能由群成员邀请进群，群二维码已用不上，所以不在需要处理里</source>
        <translation>{members} members, past the scan-in cap of {cap}: new members can only be invited by members, so the group QR code is of no use and the group is not listed under Needs attention</translation>
    </message>
    <message>
        <source>未添加群二维码（只有个人微信群提醒添加）；人数也没有接近上限：不需要处理</source>
        <translation>No group QR code (only personal WeChat groups are reminded to add one), and the group is not near a cap: nothing to do</translation>
    </message>
    <message>
        <source>群二维码长期有效，人数也没有接近上限：不需要处理</source>
        <translation>The group QR code does not expire and the group is not near a cap: nothing to do</translation>
    </message>
    <message>
        <source>群二维码没有记录生成日期，无法提醒过期；人数没有接近上限：不需要处理</source>
        <translation>The group QR code has no date it was made, so its expiry cannot be tracked; the group is not near a cap: nothing to do</translation>
    </message>
    <message>
        <source>请选择二维码的截图或照片（PNG、JPG）</source>
        <translation>Please choose a screenshot or photo of the QR code (PNG, JPG)</translation>
    </message>
    <message>
        <source>图片里没有找到可识别的二维码，请换一张更清晰的截图</source>
        <translation>No readable QR code found in the image; please use a sharper screenshot</translation>
    </message>
    <message>
        <source>这个社群还没有添加群二维码</source>
        <translation>This community has no group QR code yet</translation>
    </message>
    <message>
        <source>二维码生成日期不能晚于今天</source>
        <translation>The QR code&apos;s generation date cannot be later than today</translation>
    </message>
    <message>
        <source>缺少二维码识别组件 zxing-cpp，请重新安装本程序</source>
        <translation>The QR decoder zxing-cpp is missing; please reinstall the program</translation>
    </message>
    <message>
        <source>有 {count} 个社群都叫「{name}」，请先在社群页改名区分</source>
        <translation>{count} communities are called “{name}”: rename them in the Communities tab first</translation>
    </message>
    <message>
        <source>管理员必须是这个群的现有成员</source>
        <translation>An admin must be a current member of this group</translation>
    </message>
    <message>
        <source>所选群主不存在</source>
        <translation>The chosen owner does not exist</translation>
    </message>
    <message>
        <source>所选群主已合并到另一名成员，请重新选择</source>
        <translation>The chosen owner was merged into another member: please choose again</translation>
    </message>
    <message>
        <source>演示成员数应在 1 到 1000000 之间</source>
        <translation>The number of demo members must be between 1 and 1,000,000</translation>
    </message>
    <message>
        <source>数据库里已有成员：演示数据只填入空数据库</source>
        <translation>The database already has members: demo data only goes into an empty database</translation>
    </message>
    <message>
        <source>「{name}」是补签时扣除的积分，不能用来发放</source>
        <translation>“{name}” is the cost of a make-up check-in and cannot be awarded</translation>
    </message>
    <message>
        <source>「{name}」按消费金额计算，请导入消费记录，不能按规则直接发放</source>
        <translation>“{name}” is counted from the amount spent: import the purchases instead of awarding it by rule</translation>
    </message>
    <message>
        <source>请先选择成员</source>
        <translation>Choose a member first</translation>
    </message>
    <message>
        <source>积分规则「{name}」的积分为 0，没有可发放的积分</source>
        <translation>The points rule “{name}” gives 0 points: there is nothing to award</translation>
    </message>
    <message>
        <source>所选 {count} 位成员今天按「{rule}」已获得 {cap} 分，达到每日上限，未发放</source>
        <translation>The {count} selected members already reached today’s cap of {cap} by “{rule}”; nothing was awarded</translation>
    </message>
    <message>
        <source>补签功能已停用（积分规则「补签」未启用）</source>
        <translation>Make-up check-ins are off (the points rule “Make-up check-in” is disabled)</translation>
    </message>
    <message>
        <source>只能补签今天以前的日期</source>
        <translation>Only a day before today can be made up</translation>
    </message>
    <message>
        <source>{day} 已经签到过，无需补签</source>
        <translation>{day} already has a check-in; no make-up needed</translation>
    </message>
    <message>
        <source>不能邀请自己</source>
        <translation>A member cannot invite themselves</translation>
    </message>
    <message>
        <source>该成员今天按「{rule}」已获得 {cap} 分，达到每日上限，未发放</source>
        <translation>This member already reached today’s cap of {cap} by “{rule}”; nothing was awarded</translation>
    </message>
    <message>
        <source>待发放</source>
        <translation>To deliver</translation>
    </message>
    <message>
        <source>已发放</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <source>已核销</source>
        <translation>Used</translation>
    </message>
    <message>
        <source>已取消</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>实物</source>
        <translation>Physical</translation>
    </message>
    <message>
        <source>虚拟/券</source>
        <translation>Virtual/coupon</translation>
    </message>
    <message>
        <source>{day} 起可兑</source>
        <translation>Redeemable from {day}</translation>
    </message>
    <message>
        <source>已于 {day} 截止</source>
        <translation>Ended on {day}</translation>
    </message>
    <message>
        <source>已兑完</source>
        <translation>Sold out</translation>
    </message>
    <message>
        <source>每人限兑 {limit} 件，已兑满</source>
        <translation>Limit of {limit} per member reached</translation>
    </message>
    <message>
        <source>还差 {points} 分</source>
        <translation>{points} more points needed</translation>
    </message>
    <message>
        <source>奖品图片</source>
        <translation>Reward picture</translation>
    </message>
    <message>
        <source>请填写奖品名称</source>
        <translation>Enter the reward’s name</translation>
    </message>
    <message>
        <source>兑换所需积分必须大于 0</source>
        <translation>The points needed must be more than 0</translation>
    </message>
    <message>
        <source>兑换所需积分不能超过 {limit:,} 分</source>
        <translation>A reward can&apos;t cost more than {limit:,} points</translation>
    </message>
    <message>
        <source>库存不能为负数（留空表示不限）</source>
        <translation>Stock cannot be negative (leave it empty for unlimited)</translation>
    </message>
    <message>
        <source>库存不能超过 {limit:,} 件（留空表示不限）</source>
        <translation>Stock can&apos;t exceed {limit:,} (leave empty for unlimited)</translation>
    </message>
    <message>
        <source>成本不能为负数</source>
        <translation>Cost cannot be negative</translation>
    </message>
    <message>
        <source>成本不能超过 {limit:,} 元</source>
        <translation>The cost can&apos;t exceed ¥{limit:,}</translation>
    </message>
    <message>
        <source>每人限兑数量必须大于 0（留空表示不限）</source>
        <translation>The limit per member must be more than 0 (leave it empty for no limit)</translation>
    </message>
    <message>
        <source>每人限兑数量不能超过 {limit:,} 件（留空表示不限）</source>
        <translation>The per-member limit can&apos;t exceed {limit:,} (leave empty for unlimited)</translation>
    </message>
    <message>
        <source>兑换截止日期早于开始日期</source>
        <translation>The redemption end date is before the start date</translation>
    </message>
    <message>
        <source>未知的奖品类型：{kind}</source>
        <translation>Unknown reward type: {kind}</translation>
    </message>
    <message>
        <source>没有编号为 {id} 的奖品</source>
        <translation>There is no reward number {id}</translation>
    </message>
    <message>
        <source>库存不能少于已兑换的 {count} 件</source>
        <translation>Stock cannot be less than the {count} already redeemed</translation>
    </message>
    <message>
        <source>积分商城里没有「{name}」</source>
        <translation>The rewards catalogue has no “{name}”</translation>
    </message>
    <message>
        <source>有 {count} 个奖品都叫「{name}」，请用编号</source>
        <translation>{count} rewards are called “{name}”: use the number</translation>
    </message>
    <message>
        <source>「{name}」已下架</source>
        <translation>“{name}” is no longer offered</translation>
    </message>
    <message>
        <source>「{name}」{day} 起才能兑换</source>
        <translation>“{name}” can be redeemed from {day}</translation>
    </message>
    <message>
        <source>「{name}」的兑换已于 {day} 截止</source>
        <translation>Redemption of “{name}” ended on {day}</translation>
    </message>
    <message>
        <source>「{name}」已兑完</source>
        <translation>“{name}” is out of stock</translation>
    </message>
    <message>
        <source>「{name}」每人限兑 {limit} 件，该成员已兑满</source>
        <translation>“{name}” is limited to {limit} per member, and this member has reached it</translation>
    </message>
    <message>
        <source>没有兑换码为「{code}」的兑换记录</source>
        <translation>No redemption has the code “{code}”</translation>
    </message>
    <message>
        <source>未知的兑换状态：{status}</source>
        <translation>Unknown redemption status: {status}</translation>
    </message>
    <message>
        <source>没有编号为 {id} 的兑换记录</source>
        <translation>There is no redemption number {id}</translation>
    </message>
    <message>
        <source>兑换 {code} 当前为「{current}」，不能改为「{wanted}」</source>
        <translation>Redemption {code} is “{current}” and cannot become “{wanted}”</translation>
    </message>
    <message>
        <source>奖品图片无法转换，请另存为 PNG 或 JPG 后再试</source>
        <translation>The reward picture cannot be converted: save it as PNG or JPG and try again</translation>
    </message>
    <message>
        <source>无法读取文件 {name}：{error}</source>
        <translation>Cannot read the file {name}: {error}</translation>
    </message>
    <message>
        <source>获得</source>
        <translation>Earned</translation>
    </message>
    <message>
        <source>使用</source>
        <translation>Spent</translation>
    </message>
    <message>
        <source>过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>调整</source>
        <translation>Adjustment</translation>
    </message>
    <message>
        <source>收回</source>
        <translation>Clawback</translation>
    </message>
    <message>
        <source>冲正</source>
        <translation>Reversal</translation>
    </message>
    <message>
        <source>待生效</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>已生效</source>
        <translation>Effective</translation>
    </message>
    <message>
        <source>已作废</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>没有编号为 {member} 的成员</source>
        <translation>There is no member number {member}</translation>
    </message>
    <message>
        <source>成员 {member} 已合并到成员 {kept}，请对成员 {kept} 操作</source>
        <translation>Member {member} was merged into member {kept}: work on member {kept}</translation>
    </message>
    <message>
        <source>单笔积分不能超过 {limit:,} 分（填写的是 {points} 分）</source>
        <translation>One entry can&apos;t exceed {limit:,} points ({points} given)</translation>
    </message>
    <message>
        <source>有效天数应在 1–{limit} 天之间（留空表示永不过期）</source>
        <translation>Days valid must be between 1 and {limit} (leave empty for never expiring)</translation>
    </message>
    <message>
        <source>待生效天数应在 0–{limit} 天之间</source>
        <translation>Pending days must be between 0 and {limit}</translation>
    </message>
    <message>
        <source>成员 {member} 的积分将达到 {points:,} 分，超过单人上限 {limit:,} 分，未发放</source>
        <translation>Member {member} would hold {points:,} points, over the limit of {limit:,} per member; nothing was awarded</translation>
    </message>
    <message>
        <source>发放的积分必须是正整数；扣减请用「调整」或冲正</source>
        <translation>Points awarded must be a positive whole number; to take points away, use an adjustment or a reversal</translation>
    </message>
    <message>
        <source>不能以「{kind}」发放积分</source>
        <translation>Points cannot be awarded as “{kind}”</translation>
    </message>
    <message>
        <source>请填写发放原因</source>
        <translation>Enter the reason for the award</translation>
    </message>
    <message>
        <source>成员 {member} 的积分 {points} 不能发放：必须是正整数</source>
        <translation>Cannot award {points} to member {member}: the points must be a positive whole number</translation>
    </message>
    <message>
        <source>成员 {member} 的积分 {points} 不能发放：单笔不能超过 {limit:,} 分</source>
        <translation>{points} points can&apos;t be awarded to member {member}: one entry can&apos;t exceed {limit:,} points</translation>
    </message>
    <message>
        <source>{problem}（共 {count} 人无效）</source>
        <translation>{problem} (members not valid: {count})</translation>
    </message>
    <message>
        <source>扣减的积分必须是正整数</source>
        <translation>Points deducted must be a positive whole number</translation>
    </message>
    <message>
        <source>不能以「{kind}」扣减积分</source>
        <translation>Points cannot be deducted as “{kind}”</translation>
    </message>
    <message>
        <source>请填写扣减原因</source>
        <translation>Enter the reason for the deduction</translation>
    </message>
    <message>
        <source>积分不足：可用 {available} 分，需要 {points} 分</source>
        <translation>Not enough points: {available} available, {points} needed</translation>
    </message>
    <message>
        <source>请填写冲正原因</source>
        <translation>Enter the reason for the reversal</translation>
    </message>
    <message>
        <source>没有编号为 {entry} 的积分流水</source>
        <translation>There is no points entry number {entry}</translation>
    </message>
    <message>
        <source>流水 {entry} 已被流水 {by} 冲正过，不能重复冲正</source>
        <translation>Entry {entry} was already reversed by entry {by} and cannot be reversed again</translation>
    </message>
    <message>
        <source>流水 {entry} 的积分超出单笔上限，是升级前的历史数据，不能冲正</source>
        <translation>Entry {entry} is over the per-entry limit, history from before the upgrade: it can&apos;t be reversed</translation>
    </message>
    <message>
        <source>这笔扣分属于兑换 {code}，请在兑换记录里取消兑换（积分会退回）</source>
        <translation>These points paid for redemption {code}: cancel the redemption in the redemptions list (the points come back)</translation>
    </message>
    <message>
        <source>「{kind}」流水不能冲正</source>
        <translation>“{kind}” entries cannot be reversed</translation>
    </message>
    <message>
        <source>只能收回仍在待生效期内的奖励</source>
        <translation>Only a reward still in its pending period can be clawed back</translation>
    </message>
    <message>
        <source>「{kind}」流水不能冲正；如需补偿请用「调整」发放</source>
        <translation>“{kind}” entries cannot be reversed; to make up for it, award an adjustment</translation>
    </message>
    <message>
        <source>这笔积分已被使用 {used} 分，不能整笔冲正；请改用「调整」扣减剩余部分</source>
        <translation>{used} of these points have been used, so the entry cannot be reversed whole; deduct the rest with an adjustment instead</translation>
    </message>
    <message>
        <source>积分流水共 {count} 行，超过 Excel 上限；请只导出部分成员的对账单，或取消勾选流水</source>
        <translation>The points journal has {count} rows, more than Excel allows; export the statements of fewer members, or leave out the entries</translation>
    </message>
    <message>
        <source>设置「每积分价值」不能为负数</source>
        <translation>The “value per point” setting cannot be negative</translation>
    </message>
    <message>
        <source>每积分价值应在 0 到 1000 元之间</source>
        <translation>The value per point must be between ¥0 and ¥1000</translation>
    </message>
    <message>
        <source>天数至少为 1</source>
        <translation>The number of days must be at least 1</translation>
    </message>
    <message>
        <source>设置「每积分价值」无效：{value}</source>
        <translation>The “value per point” setting is not valid: {value}</translation>
    </message>
    <message>
        <source>「{text}」不是有效的金额，例如 0.01 表示 100 积分值 1 元</source>
        <translation>“{text}” is not a valid amount; for example, 0.01 means 100 points are worth ¥1</translation>
    </message>
    <message>
        <source>合并后已有 {count} 笔积分流水用到了合并进来的积分（流水 {entries}），撤销合并会让两人的积分对不上，因此不能撤销</source>
        <translation>Since the merge, points that came with the merged member have been used (points entries: {count}; {entries}); undoing the merge would leave both members’ points out of balance, so it cannot be undone</translation>
    </message>
    <message>
        <source>两人的积分合计 {points:,} 分，超过单人上限 {limit:,} 分，不能合并</source>
        <translation>Together the two hold {points:,} points, over the limit of {limit:,} per member: they can&apos;t be merged</translation>
    </message>
    <message>
        <source>行为记录 #{id}（{kind} · {day}）</source>
        <translation>Activity record #{id} ({kind} · {day})</translation>
    </message>
    <message>
        <source>{year} 年生日礼</source>
        <translation>Birthday gift {year}</translation>
    </message>
    <message>
        <source>连续签到奖励（截至 {day}）</source>
        <translation>Check-in streak bonus (through {day})</translation>
    </message>
    <message>
        <source>补签 {day}</source>
        <translation>Make-up check-in for {day}</translation>
    </message>
    <message>
        <source>到期积分（有效期至 {day}）</source>
        <translation>Expired points (valid until {day})</translation>
    </message>
    <message>
        <source>针对流水 #{id}</source>
        <translation>For entry #{id}</translation>
    </message>
    <message>
        <source>邀请「{name}」（成员 #{id}）</source>
        <translation>Invited “{name}” (member #{id})</translation>
    </message>
    <message>
        <source>按规则「{rule}」发放</source>
        <translation>Awarded by rule “{rule}”</translation>
    </message>
    <message>
        <source>兑换「{reward}」· 兑换码 {code}</source>
        <translation>Redeemed “{reward}” · code {code}</translation>
    </message>
    <message>
        <source>行为记录 #{id}（已删除）</source>
        <translation>Activity record #{id} (deleted)</translation>
    </message>
    <message>
        <source>邀请成员 #{id}</source>
        <translation>Invited member #{id}</translation>
    </message>
    <message>
        <source>兑换码 {code}</source>
        <translation>Redemption code {code}</translation>
    </message>
    <message>
        <source>连续签到奖励</source>
        <translation>Check-in streak bonus</translation>
    </message>
    <message>
        <source>补签（扣积分）</source>
        <translation>Make-up check-in (costs points)</translation>
    </message>
    <message>
        <source>消费（每元）</source>
        <translation>Purchase (per yuan)</translation>
    </message>
    <message>
        <source>反馈建议</source>
        <translation>Feedback</translation>
    </message>
    <message>
        <source>生日礼</source>
        <translation>Birthday gift</translation>
    </message>
    <message>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>未知的规则类型：{action}</source>
        <translation>Unknown rule type: {action}</translation>
    </message>
    <message>
        <source>请填写规则名称</source>
        <translation>Enter the rule’s name</translation>
    </message>
    <message>
        <source>规则代码不能为空，且不超过 40 个字符</source>
        <translation>The rule code must not be empty and has at most 40 characters</translation>
    </message>
    <message>
        <source>积分不能为负数</source>
        <translation>Points cannot be negative</translation>
    </message>
    <message>
        <source>规则的积分不能超过 {limit:,} 分</source>
        <translation>A rule can&apos;t give more than {limit:,} points</translation>
    </message>
    <message>
        <source>每日上限不能为负数</source>
        <translation>The daily cap cannot be negative</translation>
    </message>
    <message>
        <source>每日上限不能超过 {limit:,} 分</source>
        <translation>The daily cap can&apos;t exceed {limit:,} points</translation>
    </message>
    <message>
        <source>待生效天数不能为负数</source>
        <translation>The pending days cannot be negative</translation>
    </message>
    <message>
        <source>有效天数必须大于 0（留空表示永不过期）</source>
        <translation>The days valid must be more than 0 (leave it empty for never expiring)</translation>
    </message>
    <message>
        <source>没有代码为「{code}」的积分规则</source>
        <translation>There is no points rule with the code “{code}”</translation>
    </message>
    <message>
        <source>积分规则「{name}」已停用</source>
        <translation>The points rule “{name}” is disabled</translation>
    </message>
    <message>
        <source>连续签到天数至少为 2</source>
        <translation>A check-in streak is at least 2 days</translation>
    </message>
    <message>
        <source>连续签到天数不能超过 {limit} 天</source>
        <translation>The check-in streak can&apos;t be longer than {limit} days</translation>
    </message>
    <message>
        <source>规则类型不能修改；请新建一条规则</source>
        <translation>A rule’s type cannot be changed; create a new rule</translation>
    </message>
    <message>
        <source>只能新建「自定义」规则</source>
        <translation>Only “Custom” rules can be created</translation>
    </message>
    <message>
        <source>备注 {remark}</source>
        <translation>remark {remark}</translation>
    </message>
    <message>
        <source>群昵称 {name}</source>
        <translation>group nickname {name}</translation>
    </message>
    <message>
        <source>尾号 {tail}</source>
        <translation>phone …{tail}</translation>
    </message>
    <message>
        <source>{date} 建档</source>
        <translation>added {date}</translation>
    </message>
    <message>
        <source>{group} 等 {count} 个群</source>
        <translation>{group} and others ({count} groups)</translation>
    </message>
    <message>
        <source>找不到成员（编号 {id}），可能已被合并或删除</source>
        <translation>Member {id} was not found: it may have been merged or deleted</translation>
    </message>
    <message>
        <source>不能修改字段 {field}</source>
        <translation>The field {field} cannot be edited</translation>
    </message>
    <message>
        <source>性别只能是 男、女 或 未知</source>
        <translation>Gender must be male, female or unknown</translation>
    </message>
    <message>
        <source>生日必须是日期</source>
        <translation>The birthday must be a date</translation>
    </message>
    <message>
        <source>昵称不能为空</source>
        <translation>The nickname cannot be empty</translation>
    </message>
    <message>
        <source>所选成员中有的已被合并或删除，请刷新后重试</source>
        <translation>Some of the selected members were merged or deleted: refresh and try again</translation>
    </message>
    <message>
        <source>标签名不能为空</source>
        <translation>The tag name cannot be empty</translation>
    </message>
    <message>
        <source>找不到这个社群，可能已被删除</source>
        <translation>This community was not found: it may have been deleted</translation>
    </message>
    <message>
        <source>未知的角色：{role}</source>
        <translation>Unknown role: {role}</translation>
    </message>
    <message>
        <source>自定义字段必须是「名称: 值」的形式</source>
        <translation>Custom fields must be written as “name: value”</translation>
    </message>
    <message>
        <source>标签「{name}…」太长（最多 {limit} 个字）</source>
        <translation>The tag “{name}…” is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>这个导入已经执行过了；如需再次导入，请重新预览</source>
        <translation>This import has already been carried out; to import again, preview the file again</translation>
    </message>
    <message>
        <source>预览之后数据库有了变化（可能有人同时在修改），请重新预览后再导入</source>
        <translation>The database has changed since the preview (someone may be editing at the same time): preview again, then import</translation>
    </message>
    <message>
        <source>文件「{name}」的工作表「{sheet}」内容范围有 {rows:,} 行 × {columns:,} 列（最远的单元格在 {cell}），读取它需要的内存太多，已拒绝：请删掉远处多余的内容（在 Excel 里按 Ctrl+End 可跳到最后一个单元格）后另存，再导入</source>
        <translation>The sheet “{sheet}” of “{name}” spans {rows:,} rows × {columns:,} columns (its farthest cell is {cell}); reading it would take far too much memory, so it was refused: delete the stray content far away (Ctrl+End in Excel jumps to the last cell), save, and import again</translation>
    </message>
    <message>
        <source>文件「{name}」里的「{part}」解压后比它声明的大小还大（可能是恶意的压缩炸弹），已拒绝</source>
        <translation>“{part}” inside “{name}” unpacks to more than the size it declares (possibly a malicious zip bomb); refused</translation>
    </message>
    <message>
        <source>文件「{name}」使用了不常见的压缩方式，无法安全读取：请用 Excel 打开后另存为 .xlsx 再导入</source>
        <translation>“{name}” uses an unusual compression method and cannot be read safely: open it in Excel, save it as .xlsx and import that</translation>
    </message>
    <message>
        <source>文件「{name}」声称有 {count:,} 个不同的文字，与文件的大小不符（可能是恶意构造的文件），已拒绝</source>
        <translation>“{name}” claims {count:,} distinct texts, which its size cannot hold (possibly a maliciously crafted file); refused</translation>
    </message>
    <message>
        <source>文件「{name}」是 Excel 二进制工作簿（.xlsb）：请在 Excel 里另存为 .xlsx 再导入</source>
        <translation>“{name}” is an Excel binary workbook (.xlsb): save it as .xlsx in Excel and import that</translation>
    </message>
    <message>
        <source>文件「{name}」的内容格式异常（单元格标记过长），已拒绝</source>
        <translation>The content of “{name}” is malformed (a cell tag far too long); refused</translation>
    </message>
    <message>
        <source>昵称</source>
        <translation>Nickname</translation>
    </message>
    <message>
        <source>备注名</source>
        <translation>Remark name</translation>
    </message>
    <message>
        <source>群昵称</source>
        <translation>Group nickname</translation>
    </message>
    <message>
        <source>微信号</source>
        <translation>WeChat ID</translation>
    </message>
    <message>
        <source>企业微信客户ID</source>
        <translation>WeCom customer ID</translation>
    </message>
    <message>
        <source>企业微信成员账号</source>
        <translation>WeCom member account</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>生日</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>城市/地区</source>
        <translation>City/region</translation>
    </message>
    <message>
        <source>来源渠道</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>备注说明</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>标签</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>{what}「{text}」应写成 YYYY-MM-DD 或 YYYY-MM-DD HH:MM</source>
        <translation>{what} &quot;{text}&quot; should be written YYYY-MM-DD or YYYY-MM-DD HH:MM</translation>
    </message>
    <message>
        <source>--reason 须与 --reject 或 --blacklist 一起使用</source>
        <translation>--reason goes with --reject or --blacklist</translation>
    </message>
    <message>
        <source>引用回复</source>
        <translation>Reply (quote)</translation>
    </message>
    <message>
        <source>发红包</source>
        <translation>Red packet sent</translation>
    </message>
    <message>
        <source>活动「{name}」的邀请码</source>
        <translation>Invite codes of campaign “{name}”</translation>
    </message>
    <message>
        <source>被邀请人已记在更早的邀请人名下</source>
        <translation>The invitee already counts under an earlier inviter</translation>
    </message>
    <message>
        <source>活动开始前已是成员，不算新成员</source>
        <translation>A member before the campaign started: not new</translation>
    </message>
    <message>
        <source>被邀请人在规定天数内退群</source>
        <translation>The invitee left within the set days</translation>
    </message>
    <message>
        <source>被邀请人未在时限内发言或签到</source>
        <translation>The invitee did not post or check in in time</translation>
    </message>
    <message>
        <source>等待被邀请人激活（发言或签到）</source>
        <translation>Waiting for the invitee to activate (message or check-in)</translation>
    </message>
    <message>
        <source>待生效期未满</source>
        <translation>Pending period not over</translation>
    </message>
    <message>
        <source>超过邀请人每日上限</source>
        <translation>Over the inviter&apos;s daily cap</translation>
    </message>
    <message>
        <source>超过邀请人每月上限</source>
        <translation>Over the inviter&apos;s monthly cap</translation>
    </message>
    <message>
        <source>超过邀请人本活动上限</source>
        <translation>Over the inviter&apos;s cap for the campaign</translation>
    </message>
    <message>
        <source>邀请关系已被驳回或作废</source>
        <translation>The referral was rejected or voided</translation>
    </message>
    <message>
        <source>已被列入黑名单</source>
        <translation>Blacklisted</translation>
    </message>
    <message>
        <source>奖品库存不足</source>
        <translation>Prize out of stock</translation>
    </message>
    <message>
        <source>超过活动总预算</source>
        <translation>Over the campaign&apos;s total budget</translation>
    </message>
    <message>
        <source>超过每日预算</source>
        <translation>Over the daily budget</translation>
    </message>
    <message>
        <source>超过每人预算</source>
        <translation>Over the budget per member</translation>
    </message>
    <message>
        <source>超过该奖品预算</source>
        <translation>Over this prize&apos;s budget</translation>
    </message>
    <message>
        <source>券码池已用完</source>
        <translation>The coupon code pool is used up</translation>
    </message>
    <message>
        <source>已发的奖励不再满足条件</source>
        <translation>A reward already given no longer qualifies</translation>
    </message>
    <message>
        <source>拼团超时未成团</source>
        <translation>The team did not fill in time</translation>
    </message>
    <message>
        <source>团已满员</source>
        <translation>The team is full</translation>
    </message>
    <message>
        <source>已在本活动的另一个团中</source>
        <translation>Already in another team of this campaign</translation>
    </message>
    <message>
        <source>本活动中已助力过</source>
        <translation>Already helped in this campaign</translation>
    </message>
    <message>
        <source>不能为自己助力</source>
        <translation>Cannot help oneself</translation>
    </message>
    <message>
        <source>超过时限</source>
        <translation>Past the time limit</translation>
    </message>
    <message>
        <source>已完成，无需再助力</source>
        <translation>Already complete; no more help needed</translation>
    </message>
    <message>
        <source>抽奖次数已用完</source>
        <translation>No draws left</translation>
    </message>
    <message>
        <source>超过每人发布上限</source>
        <translation>Over the offers per member</translation>
    </message>
    <message>
        <source>待人工审核</source>
        <translation>Waiting for review</translation>
    </message>
    <message>
        <source>审核通过</source>
        <translation>Approved in review</translation>
    </message>
    <message>
        <source>审核驳回</source>
        <translation>Rejected in review</translation>
    </message>
    <message>
        <source>已被列入黑名单，待发奖励作废</source>
        <translation>Blacklisted: rewards not yet given are void</translation>
    </message>
    <message>
        <source>已过审核期限</source>
        <translation>Past the review deadline</translation>
    </message>
    <message>
        <source>{reason}：{detail}</source>
        <translation>{reason}: {detail}</translation>
    </message>
    <message>
        <source>没有种子参与者：每位参与者都有邀请人，无法分波次</source>
        <translation>No seed participants: everyone has an inviter, so there are no waves</translation>
    </message>
    <message>
        <source>邀请关系中有 {cycles} 个环，{members} 人不在任何波次中，请在风控中核查</source>
        <translation>The referrals contain {cycles} cycle(s); {members} people are in no wave. Check them in the fraud review</translation>
    </message>
    <message>
        <source>{count} 条邀请关系的被邀请人已记在先到的邀请人名下，未重复计入</source>
        <translation>{count} referral(s) name an invitee already counted under an earlier inviter; not counted twice</translation>
    </message>
    <message>
        <source>{count} 位邀请人的首位被邀请人比自己更早入群，未计入裂变周期</source>
        <translation>{count} inviter(s) whose first invitee joined before them; left out of the cycle time</translation>
    </message>
    <message>
        <source>K ≥ 1：活动可自我维持，每一波约是上一波的 {k:.2f} 倍</source>
        <translation>K ≥ 1: the campaign sustains itself; each wave is about {k:.2f}× the one before</translation>
    </message>
    <message>
        <source>每人的被邀请人在其入群后 {hours:.0f} 小时内均匀入群</source>
        <translation>Each participant&apos;s invitees join evenly over the {hours:.0f} hours after them</translation>
    </message>
    <message>
        <source>此后没有新的种子参与者，潜在人群不设上限</source>
        <translation>No new seed participants from now on; the audience never runs out</translation>
    </message>
    <message>
        <source>{share:.0%} 的新成员扫码入群，其余由群成员直接拉入</source>
        <translation>{share:.0%} of newcomers scan the group QR code; members invite the rest directly</translation>
    </message>
    <message>
        <source>预测天数必须在 1 到 {most} 之间</source>
        <translation>The forecast takes 1 to {most} days</translation>
    </message>
    <message>
        <source>扫码入群的比例必须在 0 到 100% 之间</source>
        <translation>The share joining by QR code must be between 0 and 100%</translation>
    </message>
    <message>
        <source>计划假设的 K 不能为负，每代小时数必须大于 0，种子人数不能为负</source>
        <translation>The plan&apos;s K cannot be negative, its hours per generation must be above 0 and its seeds cannot be negative</translation>
    </message>
    <message>
        <source>数据不足且没有计划假设，无法预测</source>
        <translation>Not enough data and no planned assumptions: no forecast</translation>
    </message>
    <message>
        <source>K = {k:.2f}：按 {count} 位已满邀请期的参与者实测</source>
        <translation>K = {k:.2f}: measured over {count} participants who have finished inviting</translation>
    </message>
    <message>
        <source>K = {k:.2f}：计划假设（实测数据不足）</source>
        <translation>K = {k:.2f}: planned assumption (not enough data yet)</translation>
    </message>
    <message>
        <source>每代约 {hours:.1f} 小时：邀请人入群到被邀请人入群的实测中位数</source>
        <translation>About {hours:.1f} hours per generation: the measured median from an inviter&apos;s joining to their invitees&apos;</translation>
    </message>
    <message>
        <source>每代约 {hours:.1f} 小时：计划假设</source>
        <translation>About {hours:.1f} hours per generation: planned assumption</translation>
    </message>
    <message>
        <source>开始时有 {seeds} 位种子参与者</source>
        <translation>{seeds} seed participants at the start</translation>
    </message>
    <message>
        <source>K ≥ 1：预测将无限增长，实际会受人群规模限制</source>
        <translation>K ≥ 1: the forecast grows without bound; in practice the audience limits it</translation>
    </message>
    <message>
        <source>触达（发码、海报）</source>
        <translation>Reached (codes, posters)</translation>
    </message>
    <message>
        <source>入群</source>
        <translation>Joined</translation>
    </message>
    <message>
        <source>激活</source>
        <translation>Activated</translation>
    </message>
    <message>
        <source>留存（第 4 周活跃）</source>
        <translation>Retained (active in week 4)</translation>
    </message>
    <message>
        <source>推荐（≥1 个有效邀请）</source>
        <translation>Referred (≥1 verified invite)</translation>
    </message>
    <message>
        <source>付费</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>邀请码只能是输入（typed）或扫码（scanned）得到的</source>
        <translation>An invite code is either typed or scanned</translation>
    </message>
    <message>
        <source>邀请码 {code} 是活动「{other}」的，不是「{name}」的</source>
        <translation>Invite code {code} belongs to campaign &quot;{other}&quot;, not &quot;{name}&quot;</translation>
    </message>
    <message>
        <source>社群「{community}」不是活动「{name}」的目标社群</source>
        <translation>Community &quot;{community}&quot; is not one of campaign &quot;{name}&quot;&apos;s communities</translation>
    </message>
    <message>
        <source>草稿</source>
        <translation>Draft</translation>
    </message>
    <message>
        <source>进行中</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>已结束</source>
        <translation>Ended</translation>
    </message>
    <message>
        <source>已复盘</source>
        <translation>Reviewed</translation>
    </message>
    <message>
        <source>邀请码裂变</source>
        <translation>Invite-code referral</translation>
    </message>
    <message>
        <source>任务宝</source>
        <translation>Task ladder</translation>
    </message>
    <message>
        <source>海报裂变</source>
        <translation>Poster referral</translation>
    </message>
    <message>
        <source>助力</source>
        <translation>Help unlock</translation>
    </message>
    <message>
        <source>送</source>
        <translation>Give a gift</translation>
    </message>
    <message>
        <source>砍价</source>
        <translation>Price cut</translation>
    </message>
    <message>
        <source>优惠券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <source>第 {place} 个券码长度应在 1 到 {most} 个字符之间</source>
        <translation>Coupon code {place} must be 1 to {most} characters long</translation>
    </message>
    <message>
        <source>第 {place} 个券码含空白或控制字符</source>
        <translation>Coupon code {place} contains spaces or control characters</translation>
    </message>
    <message>
        <source>「{name}」不是表格或文本文件</source>
        <translation>“{name}” is not a spreadsheet or a text file</translation>
    </message>
    <message>
        <source>「{name}」里没有券码</source>
        <translation>“{name}” holds no coupon codes</translation>
    </message>
    <message>
        <source>券码池最多 {most} 个券码</source>
        <translation>A coupon pool holds at most {most} codes</translation>
    </message>
    <message>
        <source>没有券码可导入</source>
        <translation>No coupon codes to import</translation>
    </message>
    <message>
        <source>生成数量应在 1 到 {most} 之间</source>
        <translation>The number to generate must be between 1 and {most}</translation>
    </message>
    <message>
        <source>券码 {code} 不在活动「{name}」的券码池里</source>
        <translation>Coupon code {code} is not in the pool of campaign “{name}”</translation>
    </message>
    <message>
        <source>券码 {code} 还没有发出，不能核销</source>
        <translation>Coupon code {code} has not been handed out yet, so it cannot be redeemed</translation>
    </message>
    <message>
        <source>券码 {code} 已在 {at} 核销过</source>
        <translation>Coupon code {code} was already redeemed at {at}</translation>
    </message>
    <message>
        <source>核销时间早于发券时间</source>
        <translation>A coupon cannot be redeemed before it was handed out</translation>
    </message>
    <message>
        <source>排行榜</source>
        <translation>Leaderboard</translation>
    </message>
    <message>
        <source>以物换物</source>
        <translation>Swap</translation>
    </message>
    <message>
        <source>抽奖</source>
        <translation>Lucky draw</translation>
    </message>
    <message>
        <source>新成员</source>
        <translation>New members</translation>
    </message>
    <message>
        <source>销售额</source>
        <translation>Sales</translation>
    </message>
    <message>
        <source>未知的{what}「{text}」，可选：{choices}</source>
        <translation>Unknown {what} &quot;{text}&quot;; choose from: {choices}</translation>
    </message>
    <message>
        <source>活动状态</source>
        <translation>campaign status</translation>
    </message>
    <message>
        <source>活动类型</source>
        <translation>campaign type</translation>
    </message>
    <message>
        <source>活动目标</source>
        <translation>campaign goal</translation>
    </message>
    <message>
        <source>{what}应在 0 到 {limit} 之间</source>
        <translation>{what} must be between 0 and {limit}</translation>
    </message>
    <message>
        <source>请填写活动名称</source>
        <translation>Please enter a campaign name</translation>
    </message>
    <message>
        <source>活动名称太长（最多 {limit} 个字）</source>
        <translation>The campaign name is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>已有名为「{name}」的活动</source>
        <translation>There is already a campaign named &quot;{name}&quot;</translation>
    </message>
    <message>
        <source>活动结束时间早于开始时间</source>
        <translation>The campaign ends before it starts</translation>
    </message>
    <message>
        <source>请给出活动编号或名称</source>
        <translation>Please give a campaign number or name</translation>
    </message>
    <message>
        <source>没有编号或名称为「{text}」的活动</source>
        <translation>No campaign has the number or name &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>活动「{name}」是{current}，不能改为{wanted}（可改为：{allowed}）</source>
        <translation>Campaign &quot;{name}&quot; is {current} and cannot become {wanted} (it can become: {allowed})</translation>
    </message>
    <message>
        <source>没有编号为 {id} 的社群</source>
        <translation>No community has the number {id}</translation>
    </message>
    <message>
        <source>目标</source>
        <translation>The target</translation>
    </message>
    <message>
        <source>没有 {year} 年的节假日数据：国务院办公厅发布 {year} 年的放假通知后，粘贴通知全文即可导入</source>
        <translation>No public holiday data for {year}: once the State Council publishes its holiday notice for {year}, paste the whole notice to import it</translation>
    </message>
    <message>
        <source>「{column}」应写 是 或 否，不是「{text}」</source>
        <translation>&quot;{column}&quot; should be 是 (yes) or 否 (no), not &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>{year} 年的节假日已内置（{first} 至 {last} 年），不需要导入通知</source>
        <translation>The holidays of {year} are built in ({first} to {last}); no notice needs importing</translation>
    </message>
    <message>
        <source>年份 {year} 不对</source>
        <translation>{year} is not a valid year</translation>
    </message>
    <message>
        <source>法定节假日</source>
        <translation>Public holiday</translation>
    </message>
    <message>
        <source>调休上班</source>
        <translation>Make-up workday</translation>
    </message>
    <message>
        <source>节气</source>
        <translation>Solar term</translation>
    </message>
    <message>
        <source>传统节日</source>
        <translation>Traditional festival</translation>
    </message>
    <message>
        <source>电商节</source>
        <translation>Shopping festival</translation>
    </message>
    <message>
        <source>{festival}调休上班提醒</source>
        <translation>{festival} make-up workday reminder</translation>
    </message>
    <message>
        <source>{node}营销</source>
        <translation>{node} campaign</translation>
    </message>
    <message>
        <source>结束日期早于开始日期</source>
        <translation>The end date is before the start date</translation>
    </message>
    <message>
        <source>一次最多列出三年的营销节点</source>
        <translation>Marketing dates can be listed for at most three years at a time</translation>
    </message>
    <message>
        <source>未知的节点类型：{kind}</source>
        <translation>Unknown kind of marketing date: {kind}</translation>
    </message>
    <message>
        <source>文件「{name}」不是文本（无法按 UTF-8 或 GBK 读取）</source>
        <translation>The file “{name}” is not text (it reads neither as UTF-8 nor as GBK)</translation>
    </message>
    <message>
        <source>放假通知是空的：请粘贴国务院办公厅通知的全文</source>
        <translation>The holiday notice is empty: paste the whole notice of the State Council</translation>
    </message>
    <message>
        <source>文本太长（{chars:,} 字），不像一份放假通知（全文约一千字）</source>
        <translation>The text is too long ({chars:,} characters) to be a holiday notice (about a thousand characters)</translation>
    </message>
    <message>
        <source>这是 {found} 年的放假通知，不是 {expected} 年的</source>
        <translation>This is the holiday notice for {found}, not for {expected}</translation>
    </message>
    <message>
        <source>放假通知不完整：找不到{names}的安排，请粘贴通知全文</source>
        <translation>The holiday notice is incomplete: nothing is said about {names}. Paste the whole notice</translation>
    </message>
    <message>
        <source>通知里 {day} 既放假又上班，无法读取</source>
        <translation>The notice gives {day} both as a day off and as a workday; it cannot be read</translation>
    </message>
    <message>
        <source>这不是国务院办公厅的放假通知：找不到“关于20XX年部分节假日安排”</source>
        <translation>This is not the State Council&apos;s holiday notice: “关于20XX年部分节假日安排” is missing</translation>
    </message>
    <message>
        <source>通知的标题和正文说的不是同一年（{years}），无法读取</source>
        <translation>The notice&apos;s title and text name different years ({years}); it cannot be read</translation>
    </message>
    <message>
        <source>通知的年份 {year} 不对</source>
        <translation>The notice&apos;s year {year} is not valid</translation>
    </message>
    <message>
        <source>放假通知不完整：找不到“一、元旦：…”这样的安排，请粘贴通知全文</source>
        <translation>The holiday notice is incomplete: no items such as “一、元旦：…” were found. Paste the whole notice</translation>
    </message>
    <message>
        <source>放假通知不完整：“{label}”一项没有写完，请粘贴通知全文</source>
        <translation>The holiday notice is incomplete: the item for {label} is cut off. Paste the whole notice</translation>
    </message>
    <message>
        <source>通知里“{label}”一项没有放假日期，无法读取</source>
        <translation>The notice&apos;s item for {label} gives no days off; it cannot be read</translation>
    </message>
    <message>
        <source>通知里“{label}”写共 {count} 天，日期却是 {days} 天：请检查粘贴的文本</source>
        <translation>The notice says {label} lasts {count} days, but its dates make {days}: check the pasted text</translation>
    </message>
    <message>
        <source>通知里 {day} 标为{weekday}，可那天是{actual}：这份通知与 {year} 年对不上</source>
        <translation>The notice marks {day} as {weekday}, but that day is a {actual}: the notice does not fit the year {year}</translation>
    </message>
    <message>
        <source>「{name}」不是文件</source>
        <translation>“{name}” is not a file</translation>
    </message>
    <message>
        <source>文件「{name}」太大（{size:,} 字节），不像一份放假通知（全文只有几 KB）</source>
        <translation>The file “{name}” is too large ({size:,} bytes) to be a holiday notice (a few KB)</translation>
    </message>
    <message>
        <source>找不到文件「{name}」</source>
        <translation>File “{name}” not found</translation>
    </message>
    <message>
        <source>读不了文件「{name}」：{reason}</source>
        <translation>Cannot read the file “{name}”: {reason}</translation>
    </message>
    <message>
        <source>通知里“{label}”的日期 {start} 至 {end} 读不通</source>
        <translation>The notice&apos;s dates for {label}, {start} to {end}, make no sense</translation>
    </message>
    <message>
        <source>通知里有不存在的日期：{year}年{month}月{day}日</source>
        <translation>The notice names a date that does not exist: {year}-{month}-{day}</translation>
    </message>
    <message>
        <source>每个点是一位参与者；K：这一波每人带来的下一波人数</source>
        <translation>Each dot is one participant; K: how many of the next wave each of this wave brought</translation>
    </message>
    <message>
        <source>第 {wave} 波</source>
        <translation>Wave {wave}</translation>
    </message>
    <message>
        <source>{people:,} 位参与者，{waves} 波，整体 K = {k:.2f}</source>
        <translation>{people:,} participants, {waves} waves, overall K = {k:.2f}</translation>
    </message>
    <message>
        <source>人数较多，按比例缩略：每个点代表约 {count:,} 位参与者；K：这一波每人带来的下一波人数</source>
        <translation>Scaled down: each dot stands for about {count:,} participants; K: how many of the next wave each of this wave brought</translation>
    </message>
    <message>
        <source>种子</source>
        <translation>Seeds</translation>
    </message>
    <message>
        <source>第 {wave} 波及以后</source>
        <translation>Wave {wave} and later</translation>
    </message>
    <message>
        <source>{people:,} 位参与者，{waves} 波</source>
        <translation>{people:,} participants, {waves} waves</translation>
    </message>
    <message>
        <source>{count:,} 人</source>
        <translation>{count:,} people</translation>
    </message>
    <message>
        <source>还没有参与者</source>
        <translation>No participants yet</translation>
    </message>
    <message>
        <source>K = {k:.2f}</source>
        <translation>K = {k:.2f}</translation>
    </message>
    <message>
        <source>开始前</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>复盘</source>
        <translation>Review</translation>
    </message>
    <message>
        <source>目标和预算已设定</source>
        <translation>Goal and budget set</translation>
    </message>
    <message>
        <source>奖品有库存</source>
        <translation>Prizes in stock</translation>
    </message>
    <message>
        <source>海报或邀请码已生成</source>
        <translation>Posters or codes generated</translation>
    </message>
    <message>
        <source>目标群二维码有效</source>
        <translation>Target groups&apos; QR codes valid</translation>
    </message>
    <message>
        <source>目标群容量够用</source>
        <translation>Enough room in the target groups</translation>
    </message>
    <message>
        <source>目标群未接近上限</source>
        <translation>Target groups below their caps</translation>
    </message>
    <message>
        <source>目标达成</source>
        <translation>Goal reached</translation>
    </message>
    <message>
        <source>投入产出（ROI）</source>
        <translation>Return on investment (ROI)</translation>
    </message>
    <message>
        <source>复盘笔记</source>
        <translation>Review notes</translation>
    </message>
    <message>
        <source>目标与总预算都已填写</source>
        <translation>Goal and total budget are both set</translation>
    </message>
    <message>
        <source>{count} 项奖品都有库存</source>
        <translation>All {count} prizes are in stock</translation>
    </message>
    <message>
        <source>文案合规：{what}</source>
        <translation>Copy compliance: {what}</translation>
    </message>
    <message>
        <source>还没有发出本活动的邀请码</source>
        <translation>No invite codes issued for this campaign yet</translation>
    </message>
    <message>
        <source>{count} 个目标群的二维码都有效</source>
        <translation>Every target group&apos;s QR code is valid ({count} groups)</translation>
    </message>
    <message>
        <source>预测</source>
        <translation>Forecast</translation>
    </message>
    <message>
        <source>{source}新增 {expected} 人，目标群还能进 {room} 人</source>
        <translation>{source}: {expected} newcomers; the target groups have room for {room}</translation>
    </message>
    <message>
        <source>目标群都还有余量</source>
        <translation>Every target group still has room</translation>
    </message>
    <message>
        <source>目标 ¥{target:,.2f}，实际 ¥{actual:,.2f}</source>
        <translation>Goal ¥{target:,.2f}, actual ¥{actual:,.2f}</translation>
    </message>
    <message>
        <source>目标 {target} 人，实际 {actual} 人</source>
        <translation>Goal {target} people, actual {actual}</translation>
    </message>
    <message>
        <source>{text}（{share:.0%}）</source>
        <translation>{text} ({share:.0%})</translation>
    </message>
    <message>
        <source>ROI {roi:.0%}</source>
        <translation>ROI {roi:.0%}</translation>
    </message>
    <message>
        <source>写下这次活动的得失，下次活动参考</source>
        <translation>Write down what worked and what didn&apos;t, for the next campaign</translation>
    </message>
    <message>
        <source>总预算</source>
        <translation>The total budget</translation>
    </message>
    <message>
        <source>未填写：{what}</source>
        <translation>Missing: {what}</translation>
    </message>
    <message>
        <source>库存为 0：{names}</source>
        <translation>Out of stock: {names}</translation>
    </message>
    <message>
        <source>奖励只有积分，无需库存</source>
        <translation>Rewards are points only: no stock needed</translation>
    </message>
    <message>
        <source>「{phrase}」{more}：{why}</source>
        <translation>“{phrase}”{more}: {why}</translation>
    </message>
    <message>
        <source>已发出 {count} 个活动邀请码</source>
        <translation>{count} campaign invite codes issued</translation>
    </message>
    <message>
        <source>还没有为参与者生成个人海报和邀请码</source>
        <translation>No personal posters and codes generated for participants yet</translation>
    </message>
    <message>
        <source>活动已结束，不再需要扫码入群</source>
        <translation>The campaign has ended: nobody needs to scan in any more</translation>
    </message>
    <message>
        <source>还没有选择目标群</source>
        <translation>No target groups chosen yet</translation>
    </message>
    <message>
        <source>二维码已过期或未添加：{names}</source>
        <translation>QR code expired or missing: {names}</translation>
    </message>
    <message>
        <source>二维码即将过期：{names}</source>
        <translation>QR code expires soon: {names}</translation>
    </message>
    <message>
        <source>活动已结束，不再有新成员进群</source>
        <translation>The campaign has ended: no more newcomers to seat</translation>
    </message>
    <message>
        <source>没有预测或目标人数，无法核对；目标群还能进 {room} 人</source>
        <translation>No forecast or goal to check against; the target groups have room for {room}</translation>
    </message>
    <message>
        <source>{source}新增 {expected} 人，目标群只剩 {room} 个名额，需要开新群</source>
        <translation>{source}: {expected} newcomers, but the target groups have only {room} places left: open new groups</translation>
    </message>
    <message>
        <source>没有目标群</source>
        <translation>No target groups</translation>
    </message>
    <message>
        <source>接近上限，准备开新群：{groups}</source>
        <translation>Nearing the cap, prepare new groups: {groups}</translation>
    </message>
    <message>
        <source>没有设定目标，无法对比</source>
        <translation>No goal set: nothing to compare</translation>
    </message>
    <message>
        <source>没有可对比的实际数字（签到目标请手动复盘）</source>
        <translation>No actual figure to compare (review check-in goals by hand)</translation>
    </message>
    <message>
        <source>没有记录成本，无法计算 ROI</source>
        <translation>No cost recorded: ROI cannot be computed</translation>
    </message>
    <message>
        <source>已写复盘笔记</source>
        <translation>Review notes written</translation>
    </message>
    <message>
        <source>文案合规检查</source>
        <translation>Copy compliance</translation>
    </message>
    <message>
        <source>还没有填写海报、规则或 H5 文案</source>
        <translation>No poster, rules or H5 copy written yet</translation>
    </message>
    <message>
        <source>（另有 {count} 处）</source>
        <translation> ({count} more)</translation>
    </message>
    <message>
        <source>未发现诱导分享用语</source>
        <translation>No induced-sharing phrases found</translation>
    </message>
    <message>
        <source>新成员 {count:,} 人</source>
        <translation>{count:,} new members</translation>
    </message>
    <message>
        <source>销售额 ¥{amount:,.2f}</source>
        <translation>Sales ¥{amount:,.2f}</translation>
    </message>
    <message>
        <source>打卡 {count:,} 次</source>
        <translation>{count:,} check-ins</translation>
    </message>
    <message>
        <source>请选择 {least} 到 {most} 个不同的活动对比</source>
        <translation>Choose {least} to {most} different campaigns to compare</translation>
    </message>
    <message>
        <source>参与人数</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>K 值</source>
        <translation>K</translation>
    </message>
    <message>
        <source>裂变率</source>
        <translation>Fission rate</translation>
    </message>
    <message>
        <source>裂变周期（小时）</source>
        <translation>Cycle time (hours)</translation>
    </message>
    <message>
        <source>留存（第 4 周）</source>
        <translation>Retained (week 4)</translation>
    </message>
    <message>
        <source>奖励成本</source>
        <translation>Reward cost</translation>
    </message>
    <message>
        <source>每位新成员成本</source>
        <translation>Cost per new member</translation>
    </message>
    <message>
        <source>每位留存成员成本</source>
        <translation>Cost per retained member</translation>
    </message>
    <message>
        <source>新成员带来的收入</source>
        <translation>Revenue from new members</translation>
    </message>
    <message>
        <source>ROI</source>
        <translation>ROI</translation>
    </message>
    <message>
        <source>设定目标</source>
        <translation>Goal</translation>
    </message>
    <message>
        <source>实际</source>
        <translation>Actual</translation>
    </message>
    <message>
        <source>目标完成</source>
        <translation>Goal reached</translation>
    </message>
    <message>
        <source>活动对比</source>
        <translation>Campaign comparison</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Figure</translation>
    </message>
    <message>
        <source>每位新成员的奖励成本 ¥{cost:.2f}</source>
        <translation>Rewards cost ¥{cost:.2f} per newcomer</translation>
    </message>
    <message>
        <source>{count} 人阶梯</source>
        <translation>{count}-invite stage</translation>
    </message>
    <message>
        <source>海报文案</source>
        <translation>Poster text</translation>
    </message>
    <message>
        <source>活动规则</source>
        <translation>Rules</translation>
    </message>
    <message>
        <source>H5 上段：主题与利益点</source>
        <translation>H5 top: theme and benefit</translation>
    </message>
    <message>
        <source>H5 中段：信任证明</source>
        <translation>H5 middle: proof</translation>
    </message>
    <message>
        <source>H5 下段：行动号召</source>
        <translation>H5 bottom: call to action</translation>
    </message>
    <message>
        <source>活动已开始，不能再改活动类型</source>
        <translation>The campaign has started: its type can no longer change</translation>
    </message>
    <message>
        <source>每日预算</source>
        <translation>The daily budget</translation>
    </message>
    <message>
        <source>每人预算</source>
        <translation>The budget per member</translation>
    </message>
    <message>
        <source>{what}太长（最多 {limit} 个字）</source>
        <translation>{what} is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>--top 应是正整数</source>
        <translation>--top must be a positive whole number</translation>
    </message>
    <message>
        <source>计划 K 值和裂变周期要一起给出</source>
        <translation>Give the planned K and the cycle time together</translation>
    </message>
    <message>
        <source>{reason}：{why}</source>
        <translation>{reason}: {why}</translation>
    </message>
    <message>
        <source>未知的审核操作：{action}</source>
        <translation>Unknown review action: {action}</translation>
    </message>
    <message>
        <source>审核操作须写明审核人</source>
        <translation>A review decision must name the reviewer</translation>
    </message>
    <message>
        <source>驳回须写明原因</source>
        <translation>A rejection must give its reason</translation>
    </message>
    <message>
        <source>请给出计划发送时间</source>
        <translation>Please give the planned send time</translation>
    </message>
    <message>
        <source>正文</source>
        <translation>Body</translation>
    </message>
    <message>
        <source>改时间</source>
        <translation>change its time</translation>
    </message>
    <message>
        <source>没有编号为「{text}」的内容</source>
        <translation>There is no content item number &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>请写内容标题</source>
        <translation>Please write a title</translation>
    </message>
    <message>
        <source>内容标题太长（最多 {limit} 个字）</source>
        <translation>The title is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>内容 #{id}「{title}」已发送，不能再{what}</source>
        <translation>Item #{id} &quot;{title}&quot; was sent: you can no longer {what}</translation>
    </message>
    <message>
        <source>修改内容</source>
        <translation>change its content</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>内容 #{id} 还没有发送，没有结果可记</source>
        <translation>Item #{id} has not been sent yet: no results to record</translation>
    </message>
    <message>
        <source>回复数</source>
        <translation>Replies</translation>
    </message>
    <message>
        <source>进群人数</source>
        <translation>Joins</translation>
    </message>
    <message>
        <source>销售额（分）</source>
        <translation>Sales (fen)</translation>
    </message>
    <message>
        <source>视频</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>直播</source>
        <translation>Live stream</translation>
    </message>
    <message>
        <source>活动</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>问答</source>
        <translation>Q&amp;A</translation>
    </message>
    <message>
        <source>投票</source>
        <translation>Poll</translation>
    </message>
    <message>
        <source>打卡</source>
        <translation>Check-in</translation>
    </message>
    <message>
        <source>接龙</source>
        <translation>Chain sign-up</translation>
    </message>
    <message>
        <source>已排期</source>
        <translation>Scheduled</translation>
    </message>
    <message>
        <source>已发送</source>
        <translation>Sent</translation>
    </message>
    <message>
        <source>新客</source>
        <translation>Newcomers</translation>
    </message>
    <message>
        <source>活动节日</source>
        <translation>Events and festivals</translation>
    </message>
    <message>
        <source>客户转化</source>
        <translation>Customer conversion</translation>
    </message>
    <message>
        <source>新群培育</source>
        <translation>New group nurturing</translation>
    </message>
    <message>
        <source>周期营销</source>
        <translation>Periodic marketing</translation>
    </message>
    <message>
        <source>特定宣发</source>
        <translation>Special announcement</translation>
    </message>
    <message>
        <source>内容类型</source>
        <translation>content type</translation>
    </message>
    <message>
        <source>内容状态</source>
        <translation>item status</translation>
    </message>
    <message>
        <source>SOP 类型</source>
        <translation>SOP kind</translation>
    </message>
    <message>
        <source>「{community}」{day} 有 {count} 条推广内容，超过每天 {limit} 条的上限</source>
        <translation>&quot;{community}&quot; has {count} promotional items on {day}, over the limit of {limit} a day</translation>
    </message>
    <message>
        <source>请写出重复规则，例如 FREQ=WEEKLY;BYDAY=WE</source>
        <translation>Please write a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=WE</translation>
    </message>
    <message>
        <source>重复规则太长（最多 {limit} 个字符）</source>
        <translation>The recurrence rule is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>重复规则须按天、周、月或年重复（FREQ=DAILY/WEEKLY/MONTHLY/YEARLY）：「{rule}」</source>
        <translation>A recurrence rule repeats daily, weekly, monthly or yearly (FREQ=DAILY/WEEKLY/MONTHLY/YEARLY): &quot;{rule}&quot;</translation>
    </message>
    <message>
        <source>结束方式只能选一种：重复 N 次，或到某天为止</source>
        <translation>Choose one way to end: after N times, or on a date</translation>
    </message>
    <message>
        <source>标签太多（最多 {limit} 个）</source>
        <translation>Too many tags (at most {limit})</translation>
    </message>
    <message>
        <source>素材标题太长（最多 {limit} 个字）</source>
        <translation>The material title is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>文件「{name}」太大（超过 {size} MB）</source>
        <translation>The file “{name}” is too large (over {size} MB)</translation>
    </message>
    <message>
        <source>没有编号为「{text}」的素材</source>
        <translation>No material has the number “{text}”</translation>
    </message>
    <message>
        <source>素材「{title}」还在 {count} 条内容中使用，先从内容中移除再删除</source>
        <translation>The material “{title}” is used by {count} content items; remove it from them before deleting it</translation>
    </message>
    <message>
        <source>附件太多（最多 {limit} 个）</source>
        <translation>Too many attachments (at most {limit})</translation>
    </message>
    <message>
        <source>无法保存素材文件：{problem}</source>
        <translation>Could not save the material file: {problem}</translation>
    </message>
    <message>
        <source>请写素材标题</source>
        <translation>Please give the material a title</translation>
    </message>
    <message>
        <source>标签「{tag}」太长（最多 {limit} 个字）</source>
        <translation>The tag “{tag}” is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>改附件</source>
        <translation>change its attachments</translation>
    </message>
    <message>
        <source>重复次数应在 1 到 {limit} 之间</source>
        <translation>The number of times should be between 1 and {limit}</translation>
    </message>
    <message>
        <source>结束日期 {end} 早于开始日期 {start}</source>
        <translation>The end date {end} is before the start date {start}</translation>
    </message>
    <message>
        <source>重复规则「{rule}」在 {years} 年内一次也不会发生（例如 2 月 30 日）</source>
        <translation>The recurrence rule &quot;{rule}&quot; never happens within {years} years (like 30 February)</translation>
    </message>
    <message>
        <source>重复规则「{rule}」看不懂：{why}</source>
        <translation>Cannot read the recurrence rule &quot;{rule}&quot;: {why}</translation>
    </message>
    <message>
        <source>今天：{step} {count} 位新成员</source>
        <translation>Today: {step} {count} new members</translation>
    </message>
    <message>
        <source>今天：新群第 {day} 天 · {step}</source>
        <translation>Today: new group, day {day} · {step}</translation>
    </message>
    <message>
        <source>请给出 SOP 模板编号或名称</source>
        <translation>Please give an SOP template&apos;s number or name</translation>
    </message>
    <message>
        <source>没有编号或名称为「{text}」的 SOP 模板</source>
        <translation>There is no SOP template with the number or name &quot;{text}&quot;</translation>
    </message>
    <message>
        <source>第几天应在 0 到 {limit} 之间</source>
        <translation>The day should be between 0 and {limit}</translation>
    </message>
    <message>
        <source>发送时段应在一天之内，且开始早于结束</source>
        <translation>The send window must lie within one day and start before it ends</translation>
    </message>
    <message>
        <source>SOP 模板名称应为 1 到 100 个字</source>
        <translation>An SOP template&apos;s name has 1 to 100 characters</translation>
    </message>
    <message>
        <source>已有名为「{name}」的 SOP 模板</source>
        <translation>There is already an SOP template called &quot;{name}&quot;</translation>
    </message>
    <message>
        <source>「{name}」是相对 SOP（按入群、建群天数），不生成内容：提醒每天出现在今日待发里</source>
        <translation>&quot;{name}&quot; is a relative SOP (days after joining or group creation): it makes no items; its reminders appear in today&apos;s list</translation>
    </message>
    <message>
        <source>{when} 不是「{name}」的一次（看它的重复规则）</source>
        <translation>{when} is not an occurrence of &quot;{name}&quot; (see its recurrence rule)</translation>
    </message>
    <message>
        <source>这一次已经发送，不能再跳过或修改</source>
        <translation>This occurrence was sent already: it can no longer be skipped or edited</translation>
    </message>
    <message>
        <source>周数应在 1 到 {limit} 之间</source>
        <translation>Weeks should be between 1 and {limit}</translation>
    </message>
    <message>
        <source>SOP 模板「{name}」已停用</source>
        <translation>SOP template &quot;{name}&quot; is switched off</translation>
    </message>
    <message>
        <source>社群名称不能为空：--community 后面写社群的名称</source>
        <translation>The community name is empty: write the community&apos;s name after --community</translation>
    </message>
    <message>
        <source>导出文件必须是 .csv</source>
        <translation>The export file must be .csv</translation>
    </message>
    <message>
        <source>标题是空的</source>
        <translation>The title is empty</translation>
    </message>
    <message>
        <source>没有计划时间</source>
        <translation>No planned time</translation>
    </message>
    <message>
        <source>请选择 CSV 文件（导出的内容日历 .csv）：{name}</source>
        <translation>Choose a CSV file (a content calendar exported as .csv): {name}</translation>
    </message>
    <message>
        <source>文件「{name}」第 {row} 行：{reason}{more}；未导入任何内容</source>
        <translation>File &quot;{name}&quot;, row {row}: {reason}{more}; nothing was imported</translation>
    </message>
    <message>
        <source>一次最多导入 {limit} 行</source>
        <translation>At most {limit} rows can be imported at a time</translation>
    </message>
    <message>
        <source>文件「{name}」缺少列：{columns}（第一行应是列名，如导出的文件）</source>
        <translation>File &quot;{name}&quot; lacks the columns {columns} (the first row should hold the column names, as in an exported file)</translation>
    </message>
    <message>
        <source>（另有 {count} 行有问题）</source>
        <translation> ({count} more rows have problems)</translation>
    </message>
    <message>
        <source>SOP 模板「{name}」今后 {weeks} 周没有空位</source>
        <translation>SOP template &quot;{name}&quot; has no free slot in the next {weeks} weeks</translation>
    </message>
    <message>
        <source>内容 #{id}「{title}」不是常青内容：先标记为常青</source>
        <translation>Content #{id} &quot;{title}&quot; is not evergreen: mark it evergreen first</translation>
    </message>
    <message>
        <source>内容 #{id}「{title}」还没有发送：发送后才能再利用</source>
        <translation>Content #{id} &quot;{title}&quot; has not been sent yet: it can be reused once sent</translation>
    </message>
    <message>
        <source>天数应在 1 到 {limit} 之间</source>
        <translation>The number of days must be between 1 and {limit}</translation>
    </message>
    <message>
        <source>再利用的时间只能选一种：几天后，或 SOP 的下一个空位</source>
        <translation>Choose one time to reuse it: some days later, or the next free slot of an SOP</translation>
    </message>
    <message>
        <source>常青内容再利用：来自 #{id}</source>
        <translation>Evergreen content reused: from #{id}</translation>
    </message>
    <message>
        <source>日历文件必须是 .ics</source>
        <translation>The calendar file must be .ics</translation>
    </message>
    <message>
        <source>SOP 模板「{name}」还没有目标社群：请指定社群</source>
        <translation>SOP template &quot;{name}&quot; has no communities yet: name some</translation>
    </message>
    <message>
        <source>请给出第一次的时间（开始时间）</source>
        <translation>Please give the time of the first occurrence (start)</translation>
    </message>
    <message>
        <source>相对 SOP 须从入群或建群算起</source>
        <translation>A relative SOP counts from a member joining or a group being created</translation>
    </message>
    <message>
        <source>到计划时间仍未审核，已退回草稿</source>
        <translation>Not reviewed by its planned time: back to draft</translation>
    </message>
    <message>
        <source>内容 #{id} 现在是「{current}」，不能改为「{target}」；可改为：{choices}</source>
        <translation>Item #{id} is &quot;{current}&quot; and cannot become &quot;{target}&quot;; it can become: {choices}</translation>
    </message>
    <message>
        <source>原因太长（最多 {limit} 个字）</source>
        <translation>The reason is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>内容 #{id} 现在是「{current}」，不在待审核中</source>
        <translation>Content #{id} is now &quot;{current}&quot;, not waiting for review</translation>
    </message>
    <message>
        <source>标记已发送请用「标记已发送」（按社群记录发送时间）</source>
        <translation>Use &quot;Mark sent&quot; to mark an item sent (it records the time per community)</translation>
    </message>
    <message>
        <source>需要审核：请先提交审核，通过后才排期</source>
        <translation>Review is required: submit it for review; it is scheduled once approved</translation>
    </message>
    <message>
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>内容 #{id} 现在是「{status}」，只有已排期的内容能标记已发送</source>
        <translation>Item #{id} is &quot;{status}&quot;: only scheduled items can be marked sent</translation>
    </message>
    <message>
        <source>内容 #{id} 在这个社群已标记发送过</source>
        <translation>Item #{id} is already marked sent in this community</translation>
    </message>
    <message>
        <source>{people:,} 位参与者，{waves} 波，整体 K = {k}（{inviting:,} 人还在邀请期，未计入）</source>
        <translation>{people:,} participants, {waves} waves, overall K = {k} ({inviting:,} still in their invite window, not counted yet)</translation>
    </message>
    <message>
        <source>K = —</source>
        <translation>K = —</translation>
    </message>
    <message>
        <source>{count} 位参与者入群时离活动结束已不到 {hours:.0f} 小时（邀请期未满），不计入 K</source>
        <translation>{count} participants joined less than {hours:.0f} hours before the campaign ended (invite window not over): not counted in K</translation>
    </message>
    <message>
        <source>{count} 位参与者入群不到 {hours:.0f} 小时，还在邀请期，暂不计入 K</source>
        <translation>{count} participants joined less than {hours:.0f} hours ago and are still inviting: not counted in K yet</translation>
    </message>
    <message>
        <source>{count} 位新成员的邀请还在待定期，是否有效尚未确定</source>
        <translation>{count} new members&apos; invites are still pending: not yet known whether they count</translation>
    </message>
    <message>
        <source>未知的漏斗阶段：{stage}</source>
        <translation>Unknown funnel stage: {stage}</translation>
    </message>
    <message>
        <source>邀请</source>
        <translation>invitations</translation>
    </message>
    <message>
        <source>还没有新成员入群满 {days} 天</source>
        <translation>No new member has been in for {days} days yet</translation>
    </message>
    <message>
        <source>拉黑须指明成员</source>
        <translation>Blacklisting must name the member</translation>
    </message>
    <message>
        <source>审核操作须指明奖励</source>
        <translation>A review decision must name the reward</translation>
    </message>
    <message>
        <source>本活动没有编号为 {key} 的奖励</source>
        <translation>This campaign has no reward {key}</translation>
    </message>
    <message>
        <source>奖励 {key} 不在待审核队列中，无需通过</source>
        <translation>Reward {key} is not waiting for review: nothing to approve</translation>
    </message>
    <message>
        <source>奖励 {key} 已作废，无需驳回</source>
        <translation>Reward {key} is already void: nothing to reject</translation>
    </message>
    <message>
        <source>拉黑须写明原因</source>
        <translation>A blacklisting needs a reason</translation>
    </message>
    <message>
        <source>成员 {id} 已在本活动被拉黑</source>
        <translation>Member {id} is already blacklisted in this campaign</translation>
    </message>
    <message>
        <source>活动设置「{label}」：{problem}</source>
        <translation>Campaign setting &quot;{label}&quot;: {problem}</translation>
    </message>
    <message>
        <source>设置项</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>至少要有一项奖励</source>
        <translation>needs at least one reward</translation>
    </message>
    <message>
        <source>奖励</source>
        <translation>Reward</translation>
    </message>
    <message>
        <source>阶梯奖励</source>
        <translation>Stage reward</translation>
    </message>
    <message>
        <source>助力成功奖励</source>
        <translation>Reward when helped</translation>
    </message>
    <message>
        <source>名次奖励</source>
        <translation>Prizes by rank</translation>
    </message>
    <message>
        <source>奖项内容</source>
        <translation>Lottery prize contents</translation>
    </message>
    <message>
        <source>未知的活动类型：{kind}</source>
        <translation>Unknown campaign type: {kind}</translation>
    </message>
    <message>
        <source>应为一组设置</source>
        <translation>must be a group of settings</translation>
    </message>
    <message>
        <source>未知的项 {names}</source>
        <translation>unknown items {names}</translation>
    </message>
    <message>
        <source>奖品代号</source>
        <translation>Prize key</translation>
    </message>
    <message>
        <source>奖品名称</source>
        <translation>Prize name</translation>
    </message>
    <message>
        <source>奖品类型</source>
        <translation>Prize type</translation>
    </message>
    <message>
        <source>奖品单价（分）</source>
        <translation>Prize unit cost (fen)</translation>
    </message>
    <message>
        <source>奖品库存</source>
        <translation>Prize stock</translation>
    </message>
    <message>
        <source>奖品预算（分）</source>
        <translation>Prize budget (fen)</translation>
    </message>
    <message>
        <source>积分商城奖品</source>
        <translation>Catalogue reward</translation>
    </message>
    <message>
        <source>奖品</source>
        <translation>Prize</translation>
    </message>
    <message>
        <source>代号和名称不能为空</source>
        <translation>Key and name cannot be empty</translation>
    </message>
    <message>
        <source>未知的奖品类型 {kind}</source>
        <translation>unknown prize type {kind}</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>仅限新成员</source>
        <translation>New members only</translation>
    </message>
    <message>
        <source>退群作废天数</source>
        <translation>Void if the invitee leaves within (days)</translation>
    </message>
    <message>
        <source>首位邀请人有效</source>
        <translation>First referrer wins</translation>
    </message>
    <message>
        <source>每人每日上限</source>
        <translation>Cap per inviter per day</translation>
    </message>
    <message>
        <source>每人每月上限</source>
        <translation>Cap per inviter per month</translation>
    </message>
    <message>
        <source>每人本活动上限</source>
        <translation>Cap per inviter per campaign</translation>
    </message>
    <message>
        <source>激活后才计入</source>
        <translation>Credit only after activation</translation>
    </message>
    <message>
        <source>激活时限（小时）</source>
        <translation>Activation window (hours)</translation>
    </message>
    <message>
        <source>延迟发放天数</source>
        <translation>Credit delay (days)</translation>
    </message>
    <message>
        <source>每小时邀请上限</source>
        <translation>Invites per hour before flagging</translation>
    </message>
    <message>
        <source>昵称相似距离</source>
        <translation>Nickname edit distance</translation>
    </message>
    <message>
        <source>审核方式</source>
        <translation>Moderation mode</translation>
    </message>
    <message>
        <source>审核期限（天）</source>
        <translation>Review deadline (days)</translation>
    </message>
    <message>
        <source>未知的方式 {mode}</source>
        <translation>unknown mode {mode}</translation>
    </message>
    <message>
        <source>资格规则</source>
        <translation>Eligibility rules</translation>
    </message>
    <message>
        <source>风控</source>
        <translation>Fraud review</translation>
    </message>
    <message>
        <source>最多 {most} 项</source>
        <translation>at most {most} items</translation>
    </message>
    <message>
        <source>奖品代号重复</source>
        <translation>Prize keys repeat</translation>
    </message>
    <message>
        <source>邀请人奖励</source>
        <translation>Inviter&apos;s reward</translation>
    </message>
    <message>
        <source>被邀请人奖励</source>
        <translation>Invitee&apos;s reward</translation>
    </message>
    <message>
        <source>海报模板</source>
        <translation>Poster template</translation>
    </message>
    <message>
        <source>触发条件</source>
        <translation>Trigger</translation>
    </message>
    <message>
        <source>应为入群或购买</source>
        <translation>must be joining or buying</translation>
    </message>
    <message>
        <source>阶梯人数</source>
        <translation>Stage invites</translation>
    </message>
    <message>
        <source>阶梯库存</source>
        <translation>Stage stock</translation>
    </message>
    <message>
        <source>阶梯</source>
        <translation>Stages</translation>
    </message>
    <message>
        <source>应有 1 到 {most} 级</source>
        <translation>must have 1 to {most} stages</translation>
    </message>
    <message>
        <source>各级人数应从小到大且不重复</source>
        <translation>Stage counts must rise and not repeat</translation>
    </message>
    <message>
        <source>成团人数</source>
        <translation>Team size</translation>
    </message>
    <message>
        <source>成团时限（小时）</source>
        <translation>Team time limit (hours)</translation>
    </message>
    <message>
        <source>团员奖励</source>
        <translation>Team member&apos;s reward</translation>
    </message>
    <message>
        <source>团长奖励</source>
        <translation>Team leader&apos;s reward</translation>
    </message>
    <message>
        <source>助力人数</source>
        <translation>Helpers needed</translation>
    </message>
    <message>
        <source>助力时限（小时）</source>
        <translation>Help time limit (hours)</translation>
    </message>
    <message>
        <source>助力者奖励</source>
        <translation>Helper&apos;s reward</translation>
    </message>
    <message>
        <source>砍价商品</source>
        <translation>Bargain item</translation>
    </message>
    <message>
        <source>原价（分）</source>
        <translation>Original price (fen)</translation>
    </message>
    <message>
        <source>底价（分）</source>
        <translation>Floor price (fen)</translation>
    </message>
    <message>
        <source>砍到底价的人数</source>
        <translation>Helpers to reach the floor price</translation>
    </message>
    <message>
        <source>每刀递减比例（%）</source>
        <translation>Each cut as a share of the one before (%)</translation>
    </message>
    <message>
        <source>砍价时限（小时）</source>
        <translation>Bargain time limit (hours)</translation>
    </message>
    <message>
        <source>应低于原价</source>
        <translation>must be below the original price</translation>
    </message>
    <message>
        <source>未定义的奖品代号 {key}</source>
        <translation>undefined prize key {key}</translation>
    </message>
    <message>
        <source>每刀至少一分钱：人数不能多于差价的分数</source>
        <translation>each cut is at least 1 fen: no more helpers than fen between the prices</translation>
    </message>
    <message>
        <source>券面额（分）</source>
        <translation>Coupon value (fen)</translation>
    </message>
    <message>
        <source>邀请人每次得券数</source>
        <translation>Coupons per invite for the inviter</translation>
    </message>
    <message>
        <source>被邀请人得券数</source>
        <translation>Coupons per invitee</translation>
    </message>
    <message>
        <source>券码池</source>
        <translation>Coupon code pool</translation>
    </message>
    <message>
        <source>得券数</source>
        <translation>Coupons given</translation>
    </message>
    <message>
        <source>至少要有一方得券</source>
        <translation>at least one side must get coupons</translation>
    </message>
    <message>
        <source>最多 {most} 个券码</source>
        <translation>at most {most} coupon codes</translation>
    </message>
    <message>
        <source>券码不能为空或重复</source>
        <translation>Coupon codes cannot be empty or repeated</translation>
    </message>
    <message>
        <source>仅计已确认邀请</source>
        <translation>Count confirmed invites only</translation>
    </message>
    <message>
        <source>应有 1 到 {most} 名</source>
        <translation>must have 1 to {most} ranks</translation>
    </message>
    <message>
        <source>每人最多发布</source>
        <translation>Offers per member</translation>
    </message>
    <message>
        <source>换成奖励</source>
        <translation>Reward for a completed swap</translation>
    </message>
    <message>
        <source>奖项名称</source>
        <translation>Lottery prize name</translation>
    </message>
    <message>
        <source>权重</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>奖项数量</source>
        <translation>Lottery prize stock</translation>
    </message>
    <message>
        <source>奖项</source>
        <translation>Lottery prizes</translation>
    </message>
    <message>
        <source>未中奖权重</source>
        <translation>Weight of no prize</translation>
    </message>
    <message>
        <source>每人抽奖次数</source>
        <translation>Draws per member</translation>
    </message>
    <message>
        <source>每人最多中奖</source>
        <translation>Wins per member</translation>
    </message>
    <message>
        <source>随机种子</source>
        <translation>Random seed</translation>
    </message>
    <message>
        <source>应有 1 到 {most} 项</source>
        <translation>must have 1 to {most} items</translation>
    </message>
    <message>
        <source>奖项名称不能为空或重复</source>
        <translation>Lottery prize names cannot be empty or repeated</translation>
    </message>
    <message>
        <source>应为列表</source>
        <translation>must be a list</translation>
    </message>
    <message>
        <source>应为是或否</source>
        <translation>must be yes or no</translation>
    </message>
    <message>
        <source>应为整数</source>
        <translation>must be a whole number</translation>
    </message>
    <message>
        <source>应为文字</source>
        <translation>must be text</translation>
    </message>
    <message>
        <source>应在 {low} 到 {high} 之间</source>
        <translation>must be between {low} and {high}</translation>
    </message>
    <message>
        <source>缺少此项</source>
        <translation>missing</translation>
    </message>
    <message>
        <source>与邀请人手机号相同</source>
        <translation>Same phone number as the inviter</translation>
    </message>
    <message>
        <source>与邀请人微信号相同</source>
        <translation>Same WeChat ID as the inviter</translation>
    </message>
    <message>
        <source>昵称与邀请人相近</source>
        <translation>Nickname close to the inviter&apos;s</translation>
    </message>
    <message>
        <source>邀请人一小时内邀请过多</source>
        <translation>Too many invites by the inviter within an hour</translation>
    </message>
    <message>
        <source>邀请关系成环</source>
        <translation>The referrals form a cycle</translation>
    </message>
    <message>
        <source>邀请人比被邀请人更晚入群</source>
        <translation>The inviter joined after the invitee</translation>
    </message>
    <message>
        <source>被邀请人此前已是成员</source>
        <translation>The invitee was already a member</translation>
    </message>
    <message>
        <source>{signal}（{detail}）</source>
        <translation>{signal} ({detail})</translation>
    </message>
    <message>
        <source>换物</source>
        <translation>a swap</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>物品</source>
        <translation>offer</translation>
    </message>
    <message>
        <source>{what}不能为空</source>
        <translation>{what} cannot be empty</translation>
    </message>
    <message>
        <source>{what}最多 {most} 个字</source>
        <translation>{what} takes at most {most} characters</translation>
    </message>
    <message>
        <source>成员 {member} 已发布 {count} 件（每人最多 {most} 件）</source>
        <translation>Member {member} has posted {count} items (at most {most} each)</translation>
    </message>
    <message>
        <source>本活动没有编号为 {id} 的物品</source>
        <translation>This campaign has no offer numbered {id}</translation>
    </message>
    <message>
        <source>本活动没有编号为 {id} 的需求</source>
        <translation>This campaign has no want numbered {id}</translation>
    </message>
    <message>
        <source>不能和自己交换</source>
        <translation>A member cannot swap with themselves</translation>
    </message>
    <message>
        <source>类别不同：物品是「{offer}」，需求是「{want}」</source>
        <translation>Different categories: the offer is “{offer}”, the want “{want}”</translation>
    </message>
    <message>
        <source>需求</source>
        <translation>want</translation>
    </message>
    <message>
        <source>配对时间早于物品或需求的发布时间</source>
        <translation>A match cannot come before its offer or want was posted</translation>
    </message>
    <message>
        <source>本活动没有编号为 {id} 的交换</source>
        <translation>This campaign has no swap numbered {id}</translation>
    </message>
    <message>
        <source>交换 {id} 已在 {at} 完成</source>
        <translation>Swap {id} was already done at {at}</translation>
    </message>
    <message>
        <source>完成时间早于配对时间</source>
        <translation>The swap cannot be done before it was matched</translation>
    </message>
    <message>
        <source>这个{what}（编号 {id}）已在另一次交换里</source>
        <translation>This {what} (number {id}) is already in another swap</translation>
    </message>
    <message>
        <source>「{name}」不是 LinkWeChat 裂变明细：找不到「裂变状态」「裂变新客数」表头</source>
        <translation>&quot;{name}&quot; is not a LinkWeChat fission detail: no 裂变状态 / 裂变新客数 header</translation>
    </message>
    <message>
        <source>第 {line} 行的裂变新客数「{value}」不是人数</source>
        <translation>Row {line}: new customers &quot;{value}&quot; is not a number of people</translation>
    </message>
    <message>
        <source>「{name}」不是表格文件</source>
        <translation>&quot;{name}&quot; is not a spreadsheet</translation>
    </message>
    <message>
        <source>第 {line} 行「{name}」重复出现</source>
        <translation>Row {line}: &quot;{name}&quot; appears twice</translation>
    </message>
    <message>
        <source>第 {line} 行的裂变状态「{value}」无法识别（应为 1 已完成或 2 未完成）</source>
        <translation>Row {line}: fission state &quot;{value}&quot; is not known (1 done or 2 not done)</translation>
    </message>
    <message>
        <source>「{name}」没有数据行</source>
        <translation>&quot;{name}&quot; has no data rows</translation>
    </message>
    <message>
        <source>第 {line} 行没有{column}</source>
        <translation>Row {line} has no {column}</translation>
    </message>
    <message>
        <source>表头缺少「客户名称」或「老客」列</source>
        <translation>The header has no 客户名称 or 老客 column</translation>
    </message>
    <message>
        <source>LinkWeChat 群裂变明细</source>
        <translation>LinkWeChat group fission detail</translation>
    </message>
    <message>
        <source>LinkWeChat 任务宝明细</source>
        <translation>LinkWeChat task fission detail</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>未完成</source>
        <translation>Not done</translation>
    </message>
    <message>
        <source>未标明</source>
        <translation>Not given</translation>
    </message>
    <message>
        <source>这份明细只有每人的邀请总数，没有谁邀请了谁，所以无法给出：{figures}</source>
        <translation>This file gives each participant&apos;s total, not who invited whom, so it cannot give: {figures}</translation>
    </message>
    <message>
        <source>裂变层级（第几波）与每波 K</source>
        <translation>waves and K per wave</translation>
    </message>
    <message>
        <source>邀请关系树与裂变图</source>
        <translation>the referral tree and the cascade picture</translation>
    </message>
    <message>
        <source>裂变周期（从入群到第一次成功邀请）</source>
        <translation>cycle time (from joining to the first successful invite)</translation>
    </message>
    <message>
        <source>被邀请人的激活与留存</source>
        <translation>activation and retention of the invitees</translation>
    </message>
    <message>
        <source>发布物品或需求须写 --member</source>
        <translation>Posting an offer or a want needs --member</translation>
    </message>
    <message>
        <source>发布物品须写 --item</source>
        <translation>Posting an offer needs --item</translation>
    </message>
    <message>
        <source>活动「{name}」是{kind}活动，不能记录{what}</source>
        <translation>Campaign “{name}” is a {kind} campaign: it cannot record {what}</translation>
    </message>
    <message>
        <source>活动「{name}」是{status}，不能记录{what}</source>
        <translation>Campaign “{name}” is {status}: it cannot record {what}</translation>
    </message>
    <message>
        <source>时间 {at} 早于活动开始</source>
        <translation>The time {at} is before the campaign starts</translation>
    </message>
    <message>
        <source>时间 {at} 晚于活动结束</source>
        <translation>The time {at} is after the campaign ends</translation>
    </message>
    <message>
        <source>成员 {member} 已被审核拉黑，不能参加活动</source>
        <translation>Member {member} was blacklisted by a reviewer and cannot take part</translation>
    </message>
    <message>
        <source>不能给自己助力</source>
        <translation>A member cannot help themselves</translation>
    </message>
    <message>
        <source>成员 {target} 的助力已满 {needed} 人</source>
        <translation>Member {target} already has all {needed} helpers</translation>
    </message>
    <message>
        <source>成员 {member} 已在本活动的团里（团长 {leader}）</source>
        <translation>Member {member} is already in a team of this campaign (leader {leader})</translation>
    </message>
    <message>
        <source>活动设置里的随机种子已改过，已有的 {count} 次抽奖不能按它重放；请改回原来的种子</source>
        <translation>The campaign&apos;s random seed was changed: the {count} draws so far cannot be replayed with it; set the original seed back</translation>
    </message>
    <message>
        <source>成员 {member} 已抽过 {count} 次（每人最多 {most} 次）</source>
        <translation>Member {member} has drawn {count} times (at most {most} each)</translation>
    </message>
    <message>
        <source>奖品已全部抽完</source>
        <translation>Every prize has been drawn</translation>
    </message>
    <message>
        <source>金额应大于 0、不超过 1000 万元：{value}</source>
        <translation>The amount must be above 0 and at most ¥10 million: {value}</translation>
    </message>
    <message>
        <source>成员 {helper} 已帮成员 {target} 砍过价</source>
        <translation>Member {helper} already cut member {target}&apos;s price</translation>
    </message>
    <message>
        <source>成员 {helper} 已在本活动助力过（给成员 {target}），每人只能助力一次</source>
        <translation>Member {helper} already helped in this campaign (member {target}); each member helps once</translation>
    </message>
    <message>
        <source>成员 {target} 已砍到底价</source>
        <translation>Member {target}&apos;s price is already at the floor</translation>
    </message>
    <message>
        <source>已过时限：成员 {target} 的助力在 {deadline} 截止</source>
        <translation>Too late: helping member {target} closed at {deadline}</translation>
    </message>
    <message>
        <source>成员 {leader} 在本活动没有开团</source>
        <translation>Member {leader} has opened no team in this campaign</translation>
    </message>
    <message>
        <source>时间 {at} 早于开团时间</source>
        <translation>The time {at} is before the team was opened</translation>
    </message>
    <message>
        <source>团已满（{size} 人）</source>
        <translation>The team is full ({size} people)</translation>
    </message>
    <message>
        <source>团已过期：成员 {leader} 的团在 {deadline} 截止</source>
        <translation>The team has expired: member {leader}&apos;s team closed at {deadline}</translation>
    </message>
    <message>
        <source>消费</source>
        <translation>a purchase</translation>
    </message>
    <message>
        <source>请给出聊天记录文件或文件夹的路径</source>
        <translation>Give the path of a chat export file or folder</translation>
    </message>
    <message>
        <source>--answer 应写成 名字=成员（如 --answer 小雨=12），收到：{value}</source>
        <translation>--answer is written NAME=MEMBER (e.g. --answer 小雨=12), got: {value}</translation>
    </message>
    <message>
        <source>第 {rows} 行有一格超过 {limit} KB，不像聊天内容，已跳过</source>
        <translation>Line {rows} has a cell over {limit} KB, which is no chat content; skipped</translation>
    </message>
    <message>
        <source>第 {rows} 行无法读取（{problem}），已跳过</source>
        <translation>Line {rows} cannot be read ({problem}); skipped</translation>
    </message>
    <message>
        <source>第 {rows} 行有 {count} 列，应为 {width} 列（可能是引号没有闭合），已跳过</source>
        <translation>Line {rows} has {count} columns instead of {width} (perhaps an unclosed quote); skipped</translation>
    </message>
    <message>
        <source>文件「{name}」不是能识别的聊天记录导出（支持留痕、PyWxDump、chatlog、WeFlow、企业微信会话存档，以及从电脑版微信复制的文字）</source>
        <translation>&quot;{name}&quot; is not a chat export we recognise (supported: WeChatMsg, PyWxDump, chatlog, WeFlow, the WeCom chat archive, and text copied from desktop WeChat)</translation>
    </message>
    <message>
        <source>文件夹「{name}」里没有能识别的聊天记录：{reasons}</source>
        <translation>Folder &quot;{name}&quot; holds no chat export we recognise: {reasons}</translation>
    </message>
    <message>
        <source>另有 {count} 个图片、语音、文档等附件文件，不是聊天记录，未读取</source>
        <translation>{count} more attachment files (pictures, voice, documents) are not chat records and were not read</translation>
    </message>
    <message>
        <source>文件夹「{name}」里的文件超过 {limit} 个，不像一次聊天记录导出：请选择具体的导出文件夹</source>
        <translation>Folder &quot;{name}&quot; holds more than {limit} files, which is no single chat export: choose the export folder itself</translation>
    </message>
    <message>
        <source>与同一聊天的 CSV 导出重复，只读取 CSV</source>
        <translation>Duplicates the CSV export of the same chat; only the CSV is read</translation>
    </message>
    <message>
        <source>chatlog JSON（微信 4.x）</source>
        <translation>chatlog JSON (WeChat 4.x)</translation>
    </message>
    <message>
        <source>chatlog CSV（微信 4.x）</source>
        <translation>chatlog CSV (WeChat 4.x)</translation>
    </message>
    <message>
        <source>第 {n} 条不是一条消息记录，已跳过</source>
        <translation>Item {n} is not a message record; skipped</translation>
    </message>
    <message>
        <source>第 {n} 条的时间或类型无法识别，已跳过</source>
        <translation>Item {n} has a time or type that cannot be read; skipped</translation>
    </message>
    <message>
        <source>第 {row} 行的时间无法识别，已跳过</source>
        <translation>Line {row} has a time that cannot be read; skipped</translation>
    </message>
    <message>
        <source>从电脑版微信（Windows）复制的文字</source>
        <translation>Text copied from desktop WeChat (Windows)</translation>
    </message>
    <message>
        <source>从电脑版微信（Mac）复制的文字</source>
        <translation>Text copied from desktop WeChat (Mac)</translation>
    </message>
    <message>
        <source>「{name}」是从电脑版微信复制的聊天文字，里面没有日期：请指定这些消息是哪一天的（命令行用 --date）</source>
        <translation>&quot;{name}&quot; is chat text copied from desktop WeChat and has no dates: say which day the messages are from (--date on the command line)</translation>
    </message>
    <message>
        <source>第 {row} 行不属于任何一条消息（前面没有发送人），已跳过</source>
        <translation>Line {row} belongs to no message (no sender before it); skipped</translation>
    </message>
    <message>
        <source>第 {row} 行的日期不存在，已跳过</source>
        <translation>Line {row} has a date that does not exist; skipped</translation>
    </message>
    <message>
        <source>PyWxDump CSV</source>
        <translation>PyWxDump CSV</translation>
    </message>
    <message>
        <source>PyWxDump JSON</source>
        <translation>PyWxDump JSON</translation>
    </message>
    <message>
        <source>文件「{name}」太大，不是 PyWxDump 的联系人文件</source>
        <translation>&quot;{name}&quot; is too big to be PyWxDump&apos;s contact file</translation>
    </message>
    <message>
        <source>联系人文件「{name}」不完整或格式有误</source>
        <translation>Contact file &quot;{name}&quot; is incomplete or malformed</translation>
    </message>
    <message>
        <source>留痕（WeChatMsg）CSV</source>
        <translation>WeChatMsg (留痕) CSV</translation>
    </message>
    <message>
        <source>第 {row} 行没有发送人，已跳过</source>
        <translation>Line {row} has no sender; skipped</translation>
    </message>
    <message>
        <source>第 {row} 行的类型或时间不是数字，已跳过</source>
        <translation>Line {row} has a type or time that is not a number; skipped</translation>
    </message>
    <message>
        <source>企业微信会话存档（JSON 行）</source>
        <translation>WeCom chat archive (JSON lines)</translation>
    </message>
    <message>
        <source>第 {row} 行不是一条存档消息，已跳过</source>
        <translation>Line {row} is not an archived message; skipped</translation>
    </message>
    <message>
        <source>第 {row} 行不是完整的 JSON，已跳过</source>
        <translation>Line {row} is not complete JSON; skipped</translation>
    </message>
    <message>
        <source>WeFlow JSON</source>
        <translation>WeFlow JSON</translation>
    </message>
    <message>
        <source>没有对应的社群：{names}。请指定社群，或确认新建这些社群后再导入</source>
        <translation>No community for: {names}. Choose a community, or confirm creating these communities, then import</translation>
    </message>
    <message>
        <source>{name}（#{id}）</source>
        <translation>{name} (#{id})</translation>
    </message>
    <message>
        <source>{name}（{wxid}，将新建）</source>
        <translation>{name} ({wxid}, new)</translation>
    </message>
    <message>
        <source>我（导出账号）</source>
        <translation>me (the exporting account)</translation>
    </message>
    <message>
        <source>「{name}」的回答 {answer} 不是现有成员的编号</source>
        <translation>The answer {answer} for “{name}” is not the number of an existing member</translation>
    </message>
    <message>
        <source>「{name}」里有 {count} 个聊天，指定社群只适用于单个聊天的文件；文件夹里的聊天按群 ID 和群名各自对应社群</source>
        <translation>“{name}” holds {count} chats; a community can be given only for a single chat. Chats in a folder are matched to their communities by chat id and name</translation>
    </message>
    <message>
        <source>没有名为「{name}」的社群；要新建它，加 --create</source>
        <translation>There is no community named &quot;{name}&quot;; add --create to create it</translation>
    </message>
    <message>
        <source>这个群聊之前已导入到社群「{linked}」，不能再导入到「{given}」</source>
        <translation>This group chat was imported into the community “{linked}” before; it cannot be imported into “{given}”</translation>
    </message>
    <message>
        <source>有 {count} 个社群都叫「{name}」，请用 --community 指定导入到哪个</source>
        <translation>{count} communities are called “{name}”; say which one with --community</translation>
    </message>
    <message>
        <source>还没有导入群聊记录，无法推荐发送时间</source>
        <translation>No chat history imported yet: no best time to suggest</translation>
    </message>
    <message>
        <source>群聊记录没有具体时间（从 Windows 复制的文字只有日期），无法推荐发送时间</source>
        <translation>The chat history has no times of day (text copied on Windows has dates only): no best time to suggest</translation>
    </message>
    <message>
        <source>群聊记录还太少：没有哪个时段在至少 {days} 天里有人发言</source>
        <translation>Not enough chat history yet: no hour had messages on at least {days} days</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」不完整（在{what}处中断，可能没有导出完或被截断），已拒绝</source>
        <translation>JSON file &quot;{name}&quot; is incomplete (it breaks off at {what}: the export did not finish or was cut); refused</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」嵌套过深，不是聊天记录，已拒绝</source>
        <translation>JSON file &quot;{name}&quot; is nested too deep to be a chat record; refused</translation>
    </message>
    <message>
        <source>开头</source>
        <translation>the start</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」第 {row} 行格式有误：在{what}处遇到了「{char}」</source>
        <translation>JSON file &quot;{name}&quot; is malformed on line {row}: &quot;{char}&quot; at {what}</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」里没有「{key}」列表，不是这种聊天记录导出</source>
        <translation>JSON file &quot;{name}&quot; has no &quot;{key}&quot; list; it is not this kind of chat export</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」第 {row} 行之后还有多余的内容</source>
        <translation>JSON file &quot;{name}&quot; has extra content after line {row}</translation>
    </message>
    <message>
        <source>字段名</source>
        <translation>a field name</translation>
    </message>
    <message>
        <source>字段名之后</source>
        <translation>after a field name</translation>
    </message>
    <message>
        <source>第 {n} 条</source>
        <translation>item {n}</translation>
    </message>
    <message>
        <source>第 {n} 条之后</source>
        <translation>after item {n}</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」里有长得不合理的数字，不是聊天记录</source>
        <translation>JSON file &quot;{name}&quot; holds an absurdly long number; it is no chat record</translation>
    </message>
    <message>
        <source>字段「{name}」</source>
        <translation>field &quot;{name}&quot;</translation>
    </message>
    <message>
        <source>字段之间</source>
        <translation>between fields</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」第 {row} 行格式有误（{what}）：{problem}</source>
        <translation>JSON file &quot;{name}&quot; is malformed on line {row} ({what}): {problem}</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」的{what}超过 {limit} MB，不是聊天记录</source>
        <translation>JSON file &quot;{name}&quot;: {what} is over {limit} MB, which is no chat record</translation>
    </message>
    <message>
        <source>系统消息内容为空（导出工具没有保留）</source>
        <translation>The system message is empty (the export tool did not keep it)</translation>
    </message>
    <message>
        <source>这条系统消息里的成员名没有被导出工具填入，无法知道是谁</source>
        <translation>The export tool left the member names of this system message unfilled: who it was cannot be known</translation>
    </message>
    <message>
        <source>压缩包或 Office 文档</source>
        <translation>a zip archive or Office document</translation>
    </message>
    <message>
        <source>SQLite 数据库（请先用导出工具导出聊天记录）</source>
        <translation>an SQLite database (export the chat with an export tool first)</translation>
    </message>
    <message>
        <source>旧版 Office 文档</source>
        <translation>an old Office document</translation>
    </message>
    <message>
        <source>文件「{name}」有 {size:.0f} MB，超过了聊天记录 {limit} MB 的上限：请按时间分段导出后再导入</source>
        <translation>&quot;{name}&quot; is {size:.0f} MB, over the {limit} MB limit for chat exports: export it in periods and import them one by one</translation>
    </message>
    <message>
        <source>文件「{name}」不是文本（含有大量二进制内容）</source>
        <translation>&quot;{name}&quot; is not text (much binary content)</translation>
    </message>
    <message>
        <source>文件「{name}」不是聊天记录，看起来是{kind}</source>
        <translation>&quot;{name}&quot; is not a chat export; it looks like {kind}</translation>
    </message>
    <message>
        <source>「{name}」是日历文件（.ics）：只能导入内容日历导出的 .csv</source>
        <translation>&quot;{name}&quot; is a calendar file (.ics): only a content calendar exported as .csv can be imported</translation>
    </message>
    <message>
        <source>内容 #{id} 不发往社群「{community}」</source>
        <translation>Item #{id} does not go to community &quot;{community}&quot;</translation>
    </message>
    <message>
        <source>文件夹「{name}」里没有能识别的聊天记录：没有可以读取的文件</source>
        <translation>Folder &quot;{name}&quot; holds no chat export we recognise: it has no files to read</translation>
    </message>
    <message>
        <source>文件「{name}」不是可识别的文本（既不是 UTF-8 也不是 GBK 编码）</source>
        <translation>&quot;{name}&quot; is no text we can read (neither UTF-8 nor GBK)</translation>
    </message>
    <message>
        <source>第 {row} 行长达 {size:.1f} MB，不像聊天内容，已跳过</source>
        <translation>Line {row} is {size:.1f} MB long, which is no chat content; skipped</translation>
    </message>
    <message>
        <source>文件「{name}」在第 {offset:,} 字节附近编码有误，无法继续读取</source>
        <translation>&quot;{name}&quot; has an encoding error near byte {offset:,} and cannot be read further</translation>
    </message>
    <message>
        <source>第 {row} 行编码有误（与文件其余部分的编码不同），已跳过</source>
        <translation>Line {row} is in another encoding than the rest of the file; skipped</translation>
    </message>
    <message>
        <source>第 {row} 行太长，不像聊天内容，已跳过</source>
        <translation>Line {row} is too long to be chat content; skipped</translation>
    </message>
    <message>
        <source>无法写入 {file}：文件可能正在别的程序（如 Excel）中打开，请关闭后重试</source>
        <translation>Cannot write {file}: it may be open in another program (such as Excel); close it and try again</translation>
    </message>
    <message>
        <source>新人</source>
        <translation>Newcomer</translation>
    </message>
    <message>
        <source>参与者</source>
        <translation>Participant</translation>
    </message>
    <message>
        <source>活跃成员</source>
        <translation>Active member</translation>
    </message>
    <message>
        <source>核心成员</source>
        <translation>Core member</translation>
    </message>
    <message>
        <source>每日签到</source>
        <translation>Daily check-in</translation>
    </message>
    <message>
        <source>连续签到 7 天</source>
        <translation>7-day check-in streak</translation>
    </message>
    <message>
        <source>补签一次</source>
        <translation>One make-up check-in</translation>
    </message>
    <message>
        <source>群内发言</source>
        <translation>Message in the group</translation>
    </message>
    <message>
        <source>消费每 1 元</source>
        <translation>Each yuan spent</translation>
    </message>
    <message>
        <source>邀请好友入群</source>
        <translation>Friend invited into the group</translation>
    </message>
    <message>
        <source>系统默认</source>
        <translation>Built-in default</translation>
    </message>
    <message>
        <source>边框</source>
        <translation>Frame</translation>
    </message>
    <message>
        <source>内边框</source>
        <translation>Inner frame</translation>
    </message>
    <message>
        <source>金线</source>
        <translation>Gold line</translation>
    </message>
    <message>
        <source>彩带</source>
        <translation>Ribbon</translation>
    </message>
    <message>
        <source>分隔线</source>
        <translation>Divider</translation>
    </message>
    <message>
        <source>小标题</source>
        <translation>Subtitle</translation>
    </message>
    <message>
        <source>标签底</source>
        <translation>Tag background</translation>
    </message>
    <message>
        <source>英文标签</source>
        <translation>English tag</translation>
    </message>
    <message>
        <source>角标</source>
        <translation>Corner badge</translation>
    </message>
    <message>
        <source>角标底</source>
        <translation>Corner badge background</translation>
    </message>
    <message>
        <source>活动名</source>
        <translation>Campaign name</translation>
    </message>
    <message>
        <source>天数</source>
        <translation>Days</translation>
    </message>
    <message>
        <source>卡片</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>卡片标题</source>
        <translation>Card title</translation>
    </message>
    <message>
        <source>卡片副标题</source>
        <translation>Card subtitle</translation>
    </message>
    <message>
        <source>信息卡片</source>
        <translation>Info card</translation>
    </message>
    <message>
        <source>福利卡片</source>
        <translation>Perks card</translation>
    </message>
    <message>
        <source>福利标题</source>
        <translation>Perks title</translation>
    </message>
    <message>
        <source>价格卡片</source>
        <translation>Price card</translation>
    </message>
    <message>
        <source>社群名</source>
        <translation>Community name</translation>
    </message>
    <message>
        <source>问候</source>
        <translation>Greeting</translation>
    </message>
    <message>
        <source>加入语</source>
        <translation>Join message</translation>
    </message>
    <message>
        <source>邀请语</source>
        <translation>Invitation</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Hint</translation>
    </message>
    <message>
        <source>步骤</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>主办</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>时间标签</source>
        <translation>Time label</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>地点标签</source>
        <translation>Place label</translation>
    </message>
    <message>
        <source>截止</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>截止底</source>
        <translation>Deadline background</translation>
    </message>
    <message>
        <source>截止标签</source>
        <translation>Deadline label</translation>
    </message>
    <message>
        <source>拼团价</source>
        <translation>Group price</translation>
    </message>
    <message>
        <source>拼团价标签</source>
        <translation>Group price label</translation>
    </message>
    <message>
        <source>原价</source>
        <translation>Original price</translation>
    </message>
    <message>
        <source>成团标签</source>
        <translation>Group size label</translation>
    </message>
    <message>
        <source>成团标签底</source>
        <translation>Group size label background</translation>
    </message>
    <message>
        <source>邀请码</source>
        <translation>Invite code</translation>
    </message>
    <message>
        <source>邀请码底</source>
        <translation>Invite code background</translation>
    </message>
    <message>
        <source>邀请二维码</source>
        <translation>Invite QR code</translation>
    </message>
    <message>
        <source>二维码底</source>
        <translation>QR code background</translation>
    </message>
    <message>
        <source>二维码卡片</source>
        <translation>QR code card</translation>
    </message>
    <message>
        <source>扫码提示</source>
        <translation>Scan hint</translation>
    </message>
    <message>
        <source>扫码说明</source>
        <translation>Scan instructions</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>编号底</source>
        <translation>Number background</translation>
    </message>
    <message>
        <source>页脚</source>
        <translation>Footer</translation>
    </message>
    <message>
        <source>第{n}天</source>
        <translation>Day {n}</translation>
    </message>
    <message>
        <source>第{n}天数字</source>
        <translation>Day {n} number</translation>
    </message>
    <message>
        <source>福利{n}</source>
        <translation>Perk {n}</translation>
    </message>
    <message>
        <source>勾{n}</source>
        <translation>Tick {n}</translation>
    </message>
    <message>
        <source>勾{n}底</source>
        <translation>Tick {n} background</translation>
    </message>
    <message>
        <source>装饰圆{n}</source>
        <translation>Decorative circle {n}</translation>
    </message>
    <message>
        <source>{option} 的日期格式应为 YYYY-MM-DD，收到：{value}</source>
        <translation>{option} takes a date as YYYY-MM-DD; got: {value}</translation>
    </message>
    <message>
        <source>{name} 是文件夹，不是文件</source>
        <translation>{name} is a folder, not a file</translation>
    </message>
    <message>
        <source>{names} 等 {count} 项</source>
        <translation>{names} ({count} in all)</translation>
    </message>
    <message>
        <source>文件是企业微信客户群的名单，而这个社群是{platform}（可能是同名的另一个群），本次不记录退群</source>
        <translation>The file lists a WeCom customer group, but this community is a {platform} (perhaps another group of the same name): no leaves are recorded this time</translation>
    </message>
    <message>
        <source>个人微信群</source>
        <translation>personal WeChat group</translation>
    </message>
    <message>
        <source>QQ群</source>
        <translation>QQ group</translation>
    </message>
    <message>
        <source>诱导分享：要求转发到朋友圈再截图为证，就是把奖励或参与资格与分享挂钩，属于微信禁止的诱导分享。建议不设分享条件，抽奖、福利按签到、消费或报名发放。</source>
        <translation>Induced sharing: asking people to repost to Moments and send a screenshot as proof ties a reward or a chance to take part to sharing, which WeChat forbids. Set no sharing condition; give draws and perks for check-ins, purchases or sign-ups.</translation>
    </message>
    <message>
        <source>{name} 是文件夹，不是模板文件（.zip）</source>
        <translation>{name} is a folder, not a template file (.zip)</translation>
    </message>
    <message>
        <source>可计 {count} 人</source>
        <translation>{count} countable</translation>
    </message>
    <message>
        <source>{share}（{part}）</source>
        <translation>{share} ({part})</translation>
    </message>
    <message>
        <source>周报</source>
        <translation>Weekly report</translation>
    </message>
    <message>
        <source>月报</source>
        <translation>Monthly report</translation>
    </message>
    <message>
        <source>报表期间应为 last-week、last-month、custom 或 days:N（N 为 1 到 {max}），收到：{text}</source>
        <translation>The report period must be last-week, last-month, custom or days:N (N from 1 to {max}), not: {text}</translation>
    </message>
    <message>
        <source>没有名为「{name}」的报表预设（可选：{known}）</source>
        <translation>No report preset is called “{name}” (the presets: {known})</translation>
    </message>
    <message>
        <source>预设名称不能为空</source>
        <translation>A preset needs a name</translation>
    </message>
    <message>
        <source>预设名称最长 {limit} 个字符（收到 {count} 个）</source>
        <translation>A preset name is at most {limit} characters (this one has {count})</translation>
    </message>
    <message>
        <source>预设名称不能含控制字符或不可见字符</source>
        <translation>A preset name cannot contain control or invisible characters</translation>
    </message>
    <message>
        <source>没有名为「{sheet}」的工作表（可选：{known}）</source>
        <translation>No sheet is called “{sheet}” (the sheets: {known})</translation>
    </message>
    <message>
        <source>预设至少要选一张工作表</source>
        <translation>Choose at least one sheet for the preset</translation>
    </message>
    <message>
        <source>「{name}」是内置预设，不能覆盖，请换个名称</source>
        <translation>“{name}” is a built-in preset and cannot be overwritten: choose another name</translation>
    </message>
    <message>
        <source>已有名为「{name}」的预设</source>
        <translation>A preset called “{name}” already exists</translation>
    </message>
    <message>
        <source>「{name}」是内置预设，不能删除</source>
        <translation>“{name}” is a built-in preset and cannot be deleted</translation>
    </message>
    <message>
        <source>群聊里回答提问</source>
        <translation>Questions answered in the chat</translation>
    </message>
    <message>
        <source>待审核</source>
        <translation>Awaiting review</translation>
    </message>
    <message>
        <source>兑换「{reward}」</source>
        <translation>Redeemed “{reward}”</translation>
    </message>
    <message>
        <source>取消兑换 {code}：{note}</source>
        <translation>Redemption {code} cancelled: {note}</translation>
    </message>
    <message>
        <source>取消兑换 {code}</source>
        <translation>Redemption {code} cancelled</translation>
    </message>
    <message>
        <source>积分到期（有效期至 {day}）</source>
        <translation>Points expired (valid until {day})</translation>
    </message>
    <message>
        <source>被邀请人在待生效期内退群，邀请奖励收回</source>
        <translation>The invitee left within the pending period: invite reward taken back</translation>
    </message>
    <message>
        <source>期初积分（导入「{file}」）</source>
        <translation>Opening points (import of &quot;{file}&quot;)</translation>
    </message>
    <message>
        <source>{rule}（{start} 至 {end}）</source>
        <translation>{rule} ({start} to {end})</translation>
    </message>
    <message>
        <source>{rule}：{note}</source>
        <translation>{rule}: {note}</translation>
    </message>
    <message>
        <source>导入成员名单（批次 #{id}）</source>
        <translation>Member list import (batch #{id})</translation>
    </message>
    <message>
        <source>成员类型（员工/客户）</source>
        <translation>Member type (staff/customer)</translation>
    </message>
    <message>
        <source>所在群</source>
        <translation>Group</translation>
    </message>
    <message>
        <source>入群时间</source>
        <translation>Joined at</translation>
    </message>
    <message>
        <source>入群方式</source>
        <translation>Join method</translation>
    </message>
    <message>
        <source>添加时间</source>
        <translation>Added at</translation>
    </message>
    <message>
        <source>期初积分</source>
        <translation>Opening points</translation>
    </message>
    <message>
        <source>保留为自定义字段</source>
        <translation>Keep as a custom field</translation>
    </message>
    <message>
        <source>不导入</source>
        <translation>Don&apos;t import</translation>
    </message>
    <message>
        <source>列对应关系与表头的列数不一致，请重新选择</source>
        <translation>The column mapping does not match the number of header columns: please choose again</translation>
    </message>
    <message>
        <source>表头「{header}」出现了 {count} 次（第 {columns} 列）：第 {first} 列按「{field}」导入，其余保留为自定义字段</source>
        <translation>The header “{header}” appears {count} times (columns {columns}): column {first} is imported as “{field}”, the others are kept as custom fields</translation>
    </message>
    <message>
        <source>未知的字段「{field}」（第 {column} 列）</source>
        <translation>Unknown field “{field}” (column {column})</translation>
    </message>
    <message>
        <source>「{field}」同时对应了第 {first} 列和第 {second} 列，只能选一列</source>
        <translation>“{field}” is mapped to both column {first} and column {second}: choose only one</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>更新</source>
        <translation>Update</translation>
    </message>
    <message>
        <source>无变化</source>
        <translation>Unchanged</translation>
    </message>
    <message>
        <source>与文件中另一行是同一人</source>
        <translation>Same person as another row</translation>
    </message>
    <message>
        <source>待确认（未导入）</source>
        <translation>To confirm (not imported)</translation>
    </message>
    <message>
        <source>已拒绝</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>不是有效的手机号（应以 13–19 开头）：{text}</source>
        <translation>Not a valid mobile number (it should start with 13–19): {text}</translation>
    </message>
    <message>
        <source>看不懂的日期：{value}</source>
        <translation>Unreadable date: {value}</translation>
    </message>
    <message>
        <source>日期超出范围（{first}–{last} 年）：{value}</source>
        <translation>Date out of range (years {first}–{last}): {value}</translation>
    </message>
    <message>
        <source>看不懂的性别：{text}</source>
        <translation>Unreadable gender: {text}</translation>
    </message>
    <message>
        <source>看不懂的成员类型：{text}</source>
        <translation>Unreadable member type: {text}</translation>
    </message>
    <message>
        <source>不是手机号</source>
        <translation>Not a phone number</translation>
    </message>
    <message>
        <source>没有有效的手机号：{text}</source>
        <translation>No valid phone number: {text}</translation>
    </message>
    <message>
        <source>手机号里有不是数字的字符：{text}</source>
        <translation>The phone number contains characters that are not digits: {text}</translation>
    </message>
    <message>
        <source>号码 {text} 是 Excel 的科学计数法，后几位已经丢失，无法还原；请在原表里把这一列设为文本格式后重新导出</source>
        <translation>The number {text} is in Excel&apos;s scientific notation: its last digits are lost and cannot be restored. Format this column as text in the original sheet and export it again</translation>
    </message>
    <message>
        <source>手机号应为 11 位，这里是 {count} 位：{text}</source>
        <translation>A mobile number has 11 digits, this one has {count}: {text}</translation>
    </message>
    <message>
        <source>不是日期</source>
        <translation>Not a date</translation>
    </message>
    <message>
        <source>不是日期：{value}</source>
        <translation>Not a date: {value}</translation>
    </message>
    <message>
        <source>手机号不应有小数：{value}</source>
        <translation>A phone number cannot have decimals: {value}</translation>
    </message>
    <message>
        <source>看不懂的号码：{text}</source>
        <translation>Unreadable number: {text}</translation>
    </message>
    <message>
        <source>不存在的日期：{text}</source>
        <translation>No such date: {text}</translation>
    </message>
    <message>
        <source>不是有效的时间戳：{value}</source>
        <translation>Not a valid timestamp: {value}</translation>
    </message>
    <message>
        <source>号码位数不对：{text}</source>
        <translation>Wrong number of digits: {text}</translation>
    </message>
    <message>
        <source>期初积分「{value}」不是数字，这一项没有计入</source>
        <translation>Opening points &quot;{value}&quot; is not a number; not counted</translation>
    </message>
    <message>
        <source>期初积分 {value} 只记整数 {points} 分，小数部分 {fraction} 没有计入</source>
        <translation>Opening points {value}: {points} whole points counted; the fraction {fraction} was not</translation>
    </message>
    <message>
        <source>期初积分不能是负数（{value}），这一项没有计入</source>
        <translation>Opening points can&apos;t be negative ({value}); not counted</translation>
    </message>
    <message>
        <source>期初积分 {value} 超过单笔上限 {limit:,} 分，这一项没有计入</source>
        <translation>Opening points {value} exceed the per-entry limit of {limit:,}; not counted</translation>
    </message>
    <message>
        <source>期初积分 {value} 不足 1 分，没有计入（只记整数积分）</source>
        <translation>Opening points {value} are less than 1 point; not counted (whole points only)</translation>
    </message>
    <message>
        <source>员工同名</source>
        <translation>Staff member with the same name</translation>
    </message>
    <message>
        <source>同群同昵称</source>
        <translation>Same nickname in the same group</translation>
    </message>
    <message>
        <source>同昵称（无编号）</source>
        <translation>Same nickname (no IDs)</translation>
    </message>
    <message>
        <source>员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>邀请人</source>
        <translation>Inviter</translation>
    </message>
    <message>
        <source>加入社群</source>
        <translation>Community joined</translation>
    </message>
    <message>
        <source>昵称相同，但没有相同的编号或手机号</source>
        <translation>Same nickname, but no shared ID or phone number</translation>
    </message>
    <message>
        <source>按unionid</source>
        <translation>By unionid</translation>
    </message>
    <message>
        <source>按wxid</source>
        <translation>By wxid</translation>
    </message>
    <message>
        <source>按企业微信客户ID</source>
        <translation>By WeCom customer ID</translation>
    </message>
    <message>
        <source>按企业微信成员账号</source>
        <translation>By WeCom member account</translation>
    </message>
    <message>
        <source>按微信号</source>
        <translation>By WeChat ID</translation>
    </message>
    <message>
        <source>按手机号</source>
        <translation>By phone</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>手机号 {phone} 属于成员「{old}」，但这一行的昵称是「{nickname}」：是同一人吗？</source>
        <translation>Phone {phone} belongs to the member “{old}”, but this row’s nickname is “{nickname}”: is it the same person?</translation>
    </message>
    <message>
        <source>{question}未回答，这一行没有导入</source>
        <translation>{question} Not answered: this row was not imported</translation>
    </message>
    <message>
        <source>{question}已选择跳过，这一行没有导入</source>
        <translation>{question} You chose to skip it: this row was not imported</translation>
    </message>
    <message>
        <source>按你的回答，这一行不是成员「{old}」：新建成员，手机号 {phone} 仍属于「{old}」，不写给新成员</source>
        <translation>As you answered, this row is not the member “{old}”: a new member is added; phone {phone} stays with “{old}” and is not given to the new member</translation>
    </message>
    <message>
        <source>没有昵称，也没有手机号、微信号、unionid 等能认出是谁的信息</source>
        <translation>No nickname, and nothing else that tells who it is (phone, WeChat ID, unionid…)</translation>
    </message>
    <message>
        <source>{field}超过 {limit} 个字符</source>
        <translation>{field} is longer than {limit} characters</translation>
    </message>
    <message>
        <source>{field}：{problem}</source>
        <translation>{field}: {problem}</translation>
    </message>
    <message>
        <source>文件「{name}」里找不到表头：前 {rows} 行里没有认得的列名（如 昵称、手机号、微信号、unionid）</source>
        <translation>No header row found in “{name}”: none of the first {rows} rows has a known column name (such as 昵称, 手机号, 微信号, unionid)</translation>
    </message>
    <message>
        <source>文件「{name}」只有表头，没有数据行</source>
        <translation>“{name}” has a header row but no data rows</translation>
    </message>
    <message>
        <source>这一行只有昵称「{nickname}」一项有内容，像是空行或说明文字，已跳过</source>
        <translation>This row has only the nickname “{nickname}” filled in; it looks like a blank row or a note, so it was skipped</translation>
    </message>
    <message>
        <source>{problem}，已忽略该值</source>
        <translation>{problem}; the value was ignored</translation>
    </message>
    <message>
        <source>标签超过 {limit} 个字，已忽略</source>
        <translation>Tag longer than {limit} characters, ignored</translation>
    </message>
    <message>
        <source>{problem}，按客户导入</source>
        <translation>{problem}; imported as a customer</translation>
    </message>
    <message>
        <source>有看不见的控制字符，已删除这些字符</source>
        <translation>Contains invisible control characters; they were removed</translation>
    </message>
    <message>
        <source>超过 {limit} 个字，已截断</source>
        <translation>Longer than {limit} characters, cut short</translation>
    </message>
    <message>
        <source>{problem}；这一行照常导入，不写手机号</source>
        <translation>{problem}; the row is imported without the phone</translation>
    </message>
    <message>
        <source>{field}里不应有空格</source>
        <translation>{field} must not contain spaces</translation>
    </message>
    <message>
        <source>{field} {value} 已属于另一位成员「{other}」（其他编号不同），这一行不写入该值</source>
        <translation>{field} {value} already belongs to another member, “{other}” (whose other IDs differ); this row does not write it</translation>
    </message>
    <message>
        <source>文件里有 {count} 个群（{names}），指定社群只能用于只含一个群的文件</source>
        <translation>The file has {count} groups ({names}): choosing a community only works for a file with one group</translation>
    </message>
    <message>
        <source>这位成员已经导入过期初积分，这次不再计入（积分不重复计算）</source>
        <translation>This member already got opening points from an import; not counted again (points are never counted twice)</translation>
    </message>
    <message>
        <source>有 {count} 行被拒绝且认不出是谁，本次不记录这个群的退群</source>
        <translation>{count} rejected rows could not be matched to anyone, so no one is recorded as leaving this group this time</translation>
    </message>
    <message>
        <source>文件里的成员与现有成员一个都对不上（可能是同名的另一个群），本次不记录退群</source>
        <translation>None of the members in the file match the current members (it may be another group with the same name), so no one is recorded as leaving this time</translation>
    </message>
    <message>
        <source>疑似重复的成员超过 {limit} 对，只列出前 {limit} 对</source>
        <translation>More than {limit} pairs of possible duplicates: only the first {limit} are listed</translation>
    </message>
    <message>
        <source>文件「{name}」的编码认不出来（按 {encoding} 读出来找不到表头）：请另存为 UTF-8 编码的 CSV 再导入</source>
        <translation>The encoding of “{name}” cannot be recognised (read as {encoding}, no header row is found): save it as a UTF-8 CSV and import that</translation>
    </message>
    <message>
        <source>找不到编号为 {id} 的社群</source>
        <translation>No community with ID {id}</translation>
    </message>
    <message>
        <source>工作表「{sheet}」里找不到表头，已跳过</source>
        <translation>No header row found in the sheet “{sheet}”; skipped</translation>
    </message>
    <message>
        <source>活动「{name}」是{kind}，不发邀请码，不能为它生成海报（可选：{kinds}）</source>
        <translation>Campaign “{name}” is a {kind} campaign, which hands out no invite codes: posters can&apos;t be made for it (choose: {kinds})</translation>
    </message>
    <message>
        <source>活动「{name}」的状态是{status}，只能为草稿或进行中的活动生成海报</source>
        <translation>Campaign “{name}” is {status}: posters can only be made for a draft or running campaign</translation>
    </message>
    <message>
        <source>奖励作废</source>
        <translation>Reward void</translation>
    </message>
    <message>
        <source>活动「{name}」奖励作废：{why}</source>
        <translation>Campaign &quot;{name}&quot; reward void: {why}</translation>
    </message>
    <message>
        <source>活动「{name}」奖励</source>
        <translation>Campaign &quot;{name}&quot; reward</translation>
    </message>
    <message>
        <source>活动「{name}」还是草稿，没有可结算的奖励</source>
        <translation>Campaign &quot;{name}&quot; is still a draft: no rewards to settle</translation>
    </message>
    <message>
        <source>活动「{name}」奖品</source>
        <translation>Campaign &quot;{name}&quot; prize</translation>
    </message>
    <message>
        <source>{note}，券码 {code}</source>
        <translation>{note}, coupon code {code}</translation>
    </message>
    <message>
        <source>成员 {member} 的奖品「{prize}」已发放，未能收回</source>
        <translation>Prize &quot;{prize}&quot; of member {member} was already delivered and could not be taken back</translation>
    </message>
    <message>
        <source>成员 {member} 的奖励 {key}：{why}</source>
        <translation>Reward {key} of member {member}: {why}</translation>
    </message>
    <message>
        <source>{sheet} 第 {row} 行「{nickname}」：这位成员已经导入过期初积分，这次不再计入</source>
        <translation>{sheet} row {row} &quot;{nickname}&quot;: this member already got opening points from an import; not counted again</translation>
    </message>
    <message>
        <source>{sheet} 第 {row} 行「{nickname}」：期初积分 {points} 分将使积分超过单人上限 {limit:,} 分，没有计入</source>
        <translation>{sheet} row {row} &quot;{nickname}&quot;: {points} opening points would take the member past the limit of {limit:,} points; not counted</translation>
    </message>
    <message>
        <source>文件「{name}」超过 {limit:,} 行的上限：请拆分成几个文件后分批导入</source>
        <translation>“{name}” has more than the limit of {limit:,} rows: split it into several files and import them one by one</translation>
    </message>
    <message>
        <source>同一人在前面的行里{field}是 {value}，保留前面的值</source>
        <translation>{field} was {value} on an earlier row of the same person; the earlier value is kept</translation>
    </message>
    <message>
        <source>群名「{name}…」超过 {limit} 个字</source>
        <translation>The group name “{name}…” is longer than {limit} characters</translation>
    </message>
    <message>
        <source>「{community}」{note}</source>
        <translation>“{community}”: {note}</translation>
    </message>
    <message>
        <source>「{community}」现有 {count} 人中有 {leaving} 人不在文件里、将记为退群：请确认这个文件是该群的完整成员名单</source>
        <translation>“{community}”: {leaving} of its {count} current members are not in the file and will be recorded as leaving. Please make sure this file is the group&apos;s complete member list</translation>
    </message>
    <message>
        <source>数据库里有 {count} 个名为「{name}」的社群，无法判断导入哪一个：请指定社群编号</source>
        <translation>There are {count} communities named “{name}” and it is not clear which one to import into: please give the community&apos;s ID</translation>
    </message>
    <message>
        <source>重新加入「{community}」</source>
        <translation>Rejoins “{community}”</translation>
    </message>
    <message>
        <source>{time} 退群</source>
        <translation>left {time}</translation>
    </message>
    <message>
        <source>群昵称（{community}）</source>
        <translation>Group nickname ({community})</translation>
    </message>
    <message>
        <source>入群方式（{community}）</source>
        <translation>Join method ({community})</translation>
    </message>
    <message>
        <source>入群时间（{community}）</source>
        <translation>Joined at ({community})</translation>
    </message>
    <message>
        <source>文件「{name}」已损坏或不是有效的表格（{detail}）</source>
        <translation>“{name}” is damaged or not a valid spreadsheet ({detail})</translation>
    </message>
    <message>
        <source>工作簿「{name}」有密码保护：请在 Excel 里打开并取消密码后另存，再导入</source>
        <translation>The workbook “{name}” is password-protected: open it in Excel, remove the password, save it, then import it</translation>
    </message>
    <message>
        <source>PNG 图片</source>
        <translation>a PNG image</translation>
    </message>
    <message>
        <source>JPEG 图片</source>
        <translation>a JPEG image</translation>
    </message>
    <message>
        <source>GIF 图片</source>
        <translation>a GIF image</translation>
    </message>
    <message>
        <source>PDF 文档</source>
        <translation>a PDF document</translation>
    </message>
    <message>
        <source>RAR 压缩包</source>
        <translation>a RAR archive</translation>
    </message>
    <message>
        <source>7z 压缩包</source>
        <translation>a 7z archive</translation>
    </message>
    <message>
        <source>gzip 压缩包</source>
        <translation>a gzip archive</translation>
    </message>
    <message>
        <source>SQLite 数据库</source>
        <translation>an SQLite database</translation>
    </message>
    <message>
        <source>Windows 程序</source>
        <translation>a Windows program</translation>
    </message>
    <message>
        <source>程序文件</source>
        <translation>a program</translation>
    </message>
    <message>
        <source>音视频文件</source>
        <translation>an audio or video file</translation>
    </message>
    <message>
        <source>文件「{name}」不完整或已损坏（无法解压）</source>
        <translation>“{name}” is incomplete or damaged (it cannot be unzipped)</translation>
    </message>
    <message>
        <source>文件「{name}」已损坏（内容格式错误）：{detail}</source>
        <translation>“{name}” is damaged (its content is malformed): {detail}</translation>
    </message>
    <message>
        <source>文件「{name}」不是有效的 Excel 97-2003 表格或已损坏</source>
        <translation>“{name}” is not a valid Excel 97-2003 spreadsheet, or it is damaged</translation>
    </message>
    <message>
        <source>{field}里有看不见的控制字符</source>
        <translation>The {field} contains invisible control characters</translation>
    </message>
    <message>
        <source>同一人在前面的行里期初积分是 {points}，只计入一次，按前面的值</source>
        <translation>An earlier row of the same person has {points} opening points; counted once, using the earlier value</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」嵌套超过 {limit} 层，不是企业微信接口导出的数据，已拒绝</source>
        <translation>The JSON file “{name}” is nested more than {limit} levels deep, which no WeCom API response is; refused</translation>
    </message>
    <message>
        <source>{name} 是文件夹，不是表格文件</source>
        <translation>{name} is a folder, not a spreadsheet file</translation>
    </message>
    <message>
        <source>文件「{name}」是空的</source>
        <translation>“{name}” is empty</translation>
    </message>
    <message>
        <source>文件「{name}」有 {size:.0f} MB，超过了 {limit} MB 的上限：请拆分后分批导入</source>
        <translation>“{name}” is {size:.0f} MB, over the {limit} MB limit: split it and import the parts one by one</translation>
    </message>
    <message>
        <source>文件「{name}」不是表格，也不是文本（内容无法识别）</source>
        <translation>“{name}” is neither a spreadsheet nor text (its content is not recognised)</translation>
    </message>
    <message>
        <source>文件「{name}」是网页（HTML/XML）格式的假表格：请用 Excel 打开后另存为 .xlsx 再导入</source>
        <translation>“{name}” is a web page (HTML/XML) posing as a spreadsheet: open it in Excel, save it as .xlsx, then import it</translation>
    </message>
    <message>
        <source>文件「{name}」是一个压缩包，不是 Excel 表格</source>
        <translation>“{name}” is a zip archive, not an Excel spreadsheet</translation>
    </message>
    <message>
        <source>文件「{name}」解压后有 {size:.0f} MB，超过了 {limit} MB 的上限（可能是恶意的压缩炸弹），已拒绝</source>
        <translation>“{name}” unpacks to {size:.0f} MB, over the {limit} MB limit (it may be a malicious zip bomb): refused</translation>
    </message>
    <message>
        <source>文件「{name}」的编码有误（开头标明的编码与内容不符）</source>
        <translation>“{name}” has an encoding error (the encoding marked at its start does not match its content)</translation>
    </message>
    <message>
        <source>文件「{name}」不是可识别的文本表格（无法判断编码）</source>
        <translation>“{name}” is not a recognisable text table (its encoding cannot be determined)</translation>
    </message>
    <message>
        <source>第 {row} 行的引号没有闭合，这一行的内容都挤进了一格：这一行没有导入，请在原文件里补上或删掉这个引号后重新导入</source>
        <translation>The quote on row {row} is never closed, so the whole row ran into one cell: the row was not imported; close or delete the quote in the file and import again</translation>
    </message>
    <message>
        <source>第 {row} 行的引号没有闭合，后面第 {rows} 行都被当成了这一格的内容：这些行都没有导入，请在原文件里补上或删掉这个引号后重新导入</source>
        <translation>The quote on row {row} is never closed, so row(s) {rows} after it were read as part of that cell: none of these rows were imported; close or delete the quote in the file and import again</translation>
    </message>
    <message>
        <source>找不到文件：{path}</source>
        <translation>File not found: {path}</translation>
    </message>
    <message>
        <source>无法读取文件 {name}：{problem}</source>
        <translation>Cannot read the file {name}: {problem}</translation>
    </message>
    <message>
        <source>文件「{name}」不是表格，看起来是{kind}</source>
        <translation>“{name}” is not a spreadsheet; it looks like {kind}</translation>
    </message>
    <message>
        <source>文件「{name}」不完整或已损坏：{problem}</source>
        <translation>“{name}” is incomplete or damaged: {problem}</translation>
    </message>
    <message>
        <source>文件「{name}」是 Word 文档，不是表格</source>
        <translation>“{name}” is a Word document, not a spreadsheet</translation>
    </message>
    <message>
        <source>文件「{name}」是 PowerPoint 演示文稿，不是表格</source>
        <translation>“{name}” is a PowerPoint presentation, not a spreadsheet</translation>
    </message>
    <message>
        <source>工作簿「{name}」里没有可见的工作表</source>
        <translation>The workbook “{name}” has no visible sheets</translation>
    </message>
    <message>
        <source>文件「{name}」不是文本表格（含有大量二进制内容）</source>
        <translation>“{name}” is not a text table (it contains a lot of binary content)</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」不完整或格式有误（第 {row} 行）</source>
        <translation>The JSON file “{name}” is incomplete or malformed (line {row})</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」里有 {value}，这不是有效的 JSON 数值</source>
        <translation>The JSON file “{name}” contains {value}, which is not a valid JSON number</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」里有长得不合理的数字，不是接口导出的数据</source>
        <translation>The JSON file “{name}” contains an absurdly long number; it is not data exported from the API</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」无法读取：{problem}</source>
        <translation>The JSON file “{name}” cannot be read: {problem}</translation>
    </message>
    <message>
        <source>文件「{name}」的压缩比异常（{ratio:.0f} 倍，上限 {limit:.0f} 倍），可能是恶意的压缩炸弹，已拒绝</source>
        <translation>“{name}” has an abnormal compression ratio ({ratio:.0f}×, the limit is {limit:.0f}×) and may be a malicious zip bomb: refused</translation>
    </message>
    <message>
        <source>文件「{name}」第 {row} 行格式有误：{problem}</source>
        <translation>“{name}”, line {row} is malformed: {problem}</translation>
    </message>
    <message>
        <source>文件「{name}」在第 {row} 行附近编码有误</source>
        <translation>“{name}” has an encoding error near line {row}</translation>
    </message>
    <message>
        <source>第 {row} 行有一格以引号开头，把后面第 {rows} 行（连同分隔符和手机号）吞进了这一格：这些行都没有导入，请检查这一格的引号后重新导入</source>
        <translation>A cell on row {row} starts with a quote and swallowed row(s) {rows} after it (with their separators and phone numbers): none of these rows were imported; check the quotes of that cell and import again</translation>
    </message>
    <message>
        <source>无法保存问题清单 {path}：{problem}</source>
        <translation>Cannot save the problem list {path}: {problem}</translation>
    </message>
    <message>
        <source>空值</source>
        <translation>null</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」不是企业微信接口的返回结果（应为客户群详情 group_chat 或客户列表 external_contact_list）</source>
        <translation>The JSON file “{name}” is not a WeCom API response (expected a customer group&apos;s details, group_chat, or a customer list, external_contact_list)</translation>
    </message>
    <message>
        <source>真假值</source>
        <translation>a true/false value</translation>
    </message>
    <message>
        <source>数字</source>
        <translation>a number</translation>
    </message>
    <message>
        <source>列表</source>
        <translation>a list</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>an object</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」里没有数据</source>
        <translation>The JSON file “{name}” has no data</translation>
    </message>
    <message>
        <source>JSON 文件「{name}」里没有成员数据</source>
        <translation>The JSON file “{name}” has no member data</translation>
    </message>
    <message>
        <source>有 {count} 个接口返回是错误（{error}），已跳过</source>
        <translation>{count} API responses are errors ({error}); skipped</translation>
    </message>
    <message>
        <source>客户群详情里的 member_list 不是列表</source>
        <translation>The member_list in the customer group&apos;s details is not a list</translation>
    </message>
    <message>
        <source>客户列表</source>
        <translation>Customer list</translation>
    </message>
    <message>
        <source>第 {rows}… 行是重复的表头，已跳过</source>
        <translation>Skipped repeated header rows: {rows}…</translation>
    </message>
    <message>
        <source>第 {rows} 行是重复的表头，已跳过</source>
        <translation>Skipped repeated header rows: {rows}</translation>
    </message>
    <message>
        <source>企业微信接口返回了错误（{error}），文件里没有成员数据</source>
        <translation>The WeCom API returned an error ({error}); the file has no member data</translation>
    </message>
    <message>
        <source>文件里有 {count} 个群都叫「{name}」，它们会导入同一个社群</source>
        <translation>The file has {count} groups named “{name}”: they are imported into the same community</translation>
    </message>
    <message>
        <source>文字列表</source>
        <translation>a list of texts</translation>
    </message>
    <message>
        <source>「{key}」应为{expected}，这里是{kind}：整行未导入</source>
        <translation>“{key}” should be {expected} but is {kind}: the row was not imported</translation>
    </message>
    <message>
        <source>请给出成员编号或昵称</source>
        <translation>Give a member ID or nickname</translation>
    </message>
    <message>
        <source>没有编号或昵称为「{text}」的成员</source>
        <translation>No member has the ID or nickname “{text}”</translation>
    </message>
    <message>
        <source>有 {count} 位成员叫「{text}」，请用成员编号</source>
        <translation>{count} members are called “{text}”: use the member ID</translation>
    </message>
    <message>
        <source>成员 {member} 已合并到成员 {kept}</source>
        <translation>Member {member} has been merged into member {kept}</translation>
    </message>
    <message>
        <source>企业微信 ID</source>
        <translation>WeCom ID</translation>
    </message>
    <message>
        <source>昵称与备注名</source>
        <translation>Nickname and remark name</translation>
    </message>
    <message>
        <source>昵称与群昵称</source>
        <translation>Nickname and group nickname</translation>
    </message>
    <message>
        <source>备注名与昵称</source>
        <translation>Remark name and nickname</translation>
    </message>
    <message>
        <source>备注名与群昵称</source>
        <translation>Remark name and group nickname</translation>
    </message>
    <message>
        <source>群昵称与昵称</source>
        <translation>Group nickname and nickname</translation>
    </message>
    <message>
        <source>群昵称与备注名</source>
        <translation>Group nickname and remark name</translation>
    </message>
    <message>
        <source>入群记录</source>
        <translation>Memberships</translation>
    </message>
    <message>
        <source>入退群记录</source>
        <translation>Join and leave records</translation>
    </message>
    <message>
        <source>群昵称记录</source>
        <translation>Group nickname history</translation>
    </message>
    <message>
        <source>行为记录</source>
        <translation>Activity records</translation>
    </message>
    <message>
        <source>邀请关系</source>
        <translation>Referrals</translation>
    </message>
    <message>
        <source>群主身份</source>
        <translation>Group ownerships</translation>
    </message>
    <message>
        <source>积分流水</source>
        <translation>Points entries</translation>
    </message>
    <message>
        <source>作为被邀请人的积分奖励</source>
        <translation>Points rewards as an invitee</translation>
    </message>
    <message>
        <source>积分兑换</source>
        <translation>Redemptions</translation>
    </message>
    <message>
        <source>{names}相似 {score}%（{a} / {b}）</source>
        <translation>{names}: {score}% similar ({a} / {b})</translation>
    </message>
    <message>
        <source>{names}相同「{name}」</source>
        <translation>{names}: identical “{name}”</translation>
    </message>
    <message>
        <source>{names}读音相同（{a} / {b}）</source>
        <translation>{names}: sound alike ({a} / {b})</translation>
    </message>
    <message>
        <source>没有其他记录</source>
        <translation>No other records</translation>
    </message>
    <message>
        <source>请选择两位不同的成员</source>
        <translation>Choose two different members</translation>
    </message>
    <message>
        <source>找不到这两位成员，可能已被删除</source>
        <translation>These two members were not found: they may have been deleted</translation>
    </message>
    <message>
        <source>找不到要合并的成员（编号 {id}），可能已被删除</source>
        <translation>The member to merge (ID {id}) was not found: they may have been deleted</translation>
    </message>
    <message>
        <source>要合并的成员「{name}」已被合并到其他成员，请刷新后重试</source>
        <translation>The member to merge, “{name}”, has already been merged into another member: refresh and try again</translation>
    </message>
    <message>
        <source>不能把成员合并到自己</source>
        <translation>A member cannot be merged into themselves</translation>
    </message>
    <message>
        <source>团队成员只能与团队成员合并：请先把两人的「团队成员」设成一致</source>
        <translation>Team members can only be merged with team members: first set “Team member” the same for both</translation>
    </message>
    <message>
        <source>找不到这次合并（编号 {id}）</source>
        <translation>Merge {id} was not found</translation>
    </message>
    <message>
        <source>这次合并已在 {time} 撤销过了</source>
        <translation>This merge was already undone on {time}</translation>
    </message>
    <message>
        <source>之后还有一次合并涉及这两位成员（{merged} → {kept}，{time}），请先撤销那一次</source>
        <translation>A later merge involves these members ({merged} → {kept}, {time}): undo that one first</translation>
    </message>
    <message>
        <source>这次合并由其他版本的程序记录，无法撤销</source>
        <translation>This merge was recorded by another version of the program and cannot be undone</translation>
    </message>
    <message>
        <source>被合并的成员已不在原处，无法撤销这次合并</source>
        <translation>The merged member is no longer where the merge left them: this merge cannot be undone</translation>
    </message>
    <message>
        <source>{count} 个共同社群的入群记录合为一条</source>
        <translation>Memberships combined in shared communities: {count}</translation>
    </message>
    <message>
        <source>{count} 个标签</source>
        <translation>Tags: {count}</translation>
    </message>
    <message>
        <source>补全 {count} 项资料</source>
        <translation>Profile fields filled in: {count}</translation>
    </message>
    <message>
        <source>{identifiers}相同</source>
        <translation>{identifiers}: identical</translation>
    </message>
    <message>
        <source>找不到要保留的成员（编号 {id}），可能已被删除</source>
        <translation>The member to keep (ID {id}) was not found: they may have been deleted</translation>
    </message>
    <message>
        <source>要保留的成员「{name}」已被合并到其他成员，请刷新后重试</source>
        <translation>The member to keep, “{name}”, has already been merged into another member: refresh and try again</translation>
    </message>
    <message>
        <source>这次合并移动过本程序不认识的数据（{key}），无法撤销</source>
        <translation>This merge moved data this program does not know ({key}) and cannot be undone</translation>
    </message>
    <message>
        <source>{count} 条{records}</source>
        <translation>{records}: {count}</translation>
    </message>
    <message>
        <source>昵称不同（{a} / {b}）</source>
        <translation>different nicknames ({a} / {b})</translation>
    </message>
    <message>
        <source>同在 {groups} 等 {count} 个群</source>
        <translation>both in {groups} and more ({count} groups)</translation>
    </message>
    <message>
        <source>同在 {groups}</source>
        <translation>both in {groups}</translation>
    </message>
    <message>
        <source>同一邀请人 {name}</source>
        <translation>same inviter: {name}</translation>
    </message>
    <message>
        <source>同一邀请人</source>
        <translation>same inviter</translation>
    </message>
    <message>
        <source>手机尾号：{tail}</source>
        <translation>Phone ending: {tail}</translation>
    </message>
    <message>
        <source>{field}：{value}</source>
        <translation>{field}: {value}</translation>
    </message>
    <message>
        <source>{field}（拼音）：{value}</source>
        <translation>{field} (pinyin): {value}</translation>
    </message>
    <message>
        <source>头像</source>
        <translation>Avatar</translation>
    </message>
    <message>
        <source>二维码 logo</source>
        <translation>QR code logo</translation>
    </message>
    <message>
        <source>背景图</source>
        <translation>Background picture</translation>
    </message>
    <message>
        <source>{what}「{name}」</source>
        <translation>{what} “{name}”</translation>
    </message>
    <message>
        <source>{what}文件太大（超过 {size} MB）：{name}</source>
        <translation>The {what} file is too large (over {size} MB): {name}</translation>
    </message>
    <message>
        <source>{what}「{name}」无法转换，请另存为 PNG 或 JPG 后再试</source>
        <translation>{what} “{name}” cannot be converted: save it as PNG or JPG and try again</translation>
    </message>
    <message>
        <source>不支持的海报格式「{format}」，可选 png 或 jpeg</source>
        <translation>Unsupported poster format “{format}”: use png or jpeg</translation>
    </message>
    <message>
        <source>缺少字段：{fields}（显示为空）</source>
        <translation>Missing fields: {fields} (shown empty)</translation>
    </message>
    <message>
        <source>写入失败：{error}</source>
        <translation>Could not write the file: {error}</translation>
    </message>
    <message>
        <source>位置和大小</source>
        <translation>position and size</translation>
    </message>
    <message>
        <source>渐变角度</source>
        <translation>gradient angle</translation>
    </message>
    <message>
        <source>色标位置</source>
        <translation>stop position</translation>
    </message>
    <message>
        <source>横向位置 x</source>
        <translation>x position</translation>
    </message>
    <message>
        <source>纵向位置 y</source>
        <translation>y position</translation>
    </message>
    <message>
        <source>宽度</source>
        <translation>width</translation>
    </message>
    <message>
        <source>高度</source>
        <translation>height</translation>
    </message>
    <message>
        <source>旋转角度</source>
        <translation>rotation</translation>
    </message>
    <message>
        <source>不透明度</source>
        <translation>opacity</translation>
    </message>
    <message>
        <source>圆角</source>
        <translation>corner radius</translation>
    </message>
    <message>
        <source>字号</source>
        <translation>font size</translation>
    </message>
    <message>
        <source>最小字号</source>
        <translation>minimum font size</translation>
    </message>
    <message>
        <source>行距</source>
        <translation>line spacing</translation>
    </message>
    <message>
        <source>字间距</source>
        <translation>letter spacing</translation>
    </message>
    <message>
        <source>边框宽度</source>
        <translation>border width</translation>
    </message>
    <message>
        <source>描边宽度</source>
        <translation>outline width</translation>
    </message>
    <message>
        <source>阴影模糊半径</source>
        <translation>shadow blur radius</translation>
    </message>
    <message>
        <source>阴影横向偏移</source>
        <translation>shadow x offset</translation>
    </message>
    <message>
        <source>阴影纵向偏移</source>
        <translation>shadow y offset</translation>
    </message>
    <message>
        <source>模板文件嵌套过深（超过 {limit} 层），可能是异常文件，已拒绝</source>
        <translation>The template file is nested too deeply (more than {limit} levels); it may be a malicious file and was refused</translation>
    </message>
    <message>
        <source>{where}的{field}应在 {low} 到 {high} 之间，实际为 {value}</source>
        <translation>{where}: the {field} should be between {low} and {high}, not {value}</translation>
    </message>
    <message>
        <source>{where}太长（{count} 个字，最多 {limit} 个）</source>
        <translation>{where} is too long ({count} characters, at most {limit})</translation>
    </message>
    <message>
        <source>模板的图层合计太大（约 {pixels} 百万像素，最多 {limit} 百万，即画布的 {share} 倍），请删去或缩小一些图层</source>
        <translation>The template&apos;s layers are too big together (about {pixels} megapixels, at most {limit}, {share} times the canvas): delete or shrink some layers</translation>
    </message>
    <message>
        <source>{where}的{field}必须为正数且不超过 {high}，实际为 {value}</source>
        <translation>{where}: the {field} must be positive and at most {high}, not {value}</translation>
    </message>
    <message>
        <source>第 {index} 个图层「{name}」画出来太大（约 {pixels} 百万像素，最多 {limit} 百万），请缩小它，或它的字号、描边、阴影</source>
        <translation>Layer {index} “{name}” is too big to draw (about {pixels} megapixels, at most {limit}): make it, or its font size, outline or shadow, smaller</translation>
    </message>
    <message>
        <source>{where}名称太长（最多 {limit} 个字）</source>
        <translation>{where} name is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>{where}名称里有控制字符</source>
        <translation>{where} name contains control characters</translation>
    </message>
    <message>
        <source>{where}「{name}」是文件路径：模板只能使用模板文件里自带的字体、内置字体或本机已安装字体的名称（如 Microsoft YaHei）</source>
        <translation>{where} “{name}” is a file path: a template may only use a font that comes with the template file, the built-in font, or the name of a font installed on this computer (such as Microsoft YaHei)</translation>
    </message>
    <message>
        <source>{where}「{name}」不是字体名称</source>
        <translation>{where} “{name}” is not a font name</translation>
    </message>
    <message>
        <source>字体</source>
        <translation>Font</translation>
    </message>
    <message>
        <source>无法加载字体「{name}」，请改用内置字体</source>
        <translation>Cannot load the font “{name}”: use the built-in font instead</translation>
    </message>
    <message>
        <source>模板字体「{name}」为空或太大（最多 {size} MB）</source>
        <translation>The template font “{name}” is empty or too big (at most {size} MB)</translation>
    </message>
    <message>
        <source>本机没有安装字体「{name}」，请改用内置字体或安装该字体</source>
        <translation>The font “{name}” is not installed on this computer: use the built-in font or install it</translation>
    </message>
    <message>
        <source>模板字体「{name}」已损坏或不是字体文件</source>
        <translation>The template font “{name}” is damaged or not a font file</translation>
    </message>
    <message>
        <source>模板缺少字体文件「{name}」</source>
        <translation>The template is missing the font file “{name}”</translation>
    </message>
    <message>
        <source>模板文件缺少字体文件：{names}</source>
        <translation>The template file is missing the font files: {names}</translation>
    </message>
    <message>
        <source>模板缺少字体文件：{names}</source>
        <translation>The template is missing the font files: {names}</translation>
    </message>
    <message>
        <source>模板文件里的图片合计太大（超过 {limit} 百万像素），可能是异常文件，已拒绝</source>
        <translation>The pictures in the template file are too big together (more than {limit} megapixels); it may be a malicious file and was refused</translation>
    </message>
    <message>
        <source>模板文件里有两个同名文件「{name}」</source>
        <translation>The template file has two files named “{name}”</translation>
    </message>
    <message>
        <source>模板的图片合计太大（超过 {limit} 百万像素），请换用小一些的图片</source>
        <translation>The template&apos;s pictures are too big together (more than {limit} megapixels): use smaller pictures</translation>
    </message>
    <message>
        <source>无法在 {path} 写入：临时文件夹被占用</source>
        <translation>Cannot write in {path}: the temporary folder is in use</translation>
    </message>
    <message>
        <source>无法创建文件夹 {path}：{error}</source>
        <translation>Cannot create the folder {path}: {error}</translation>
    </message>
    <message>
        <source>无法创建压缩包 {path}：{error}</source>
        <translation>Cannot create the zip file {path}: {error}</translation>
    </message>
    <message>
        <source>新人欢迎</source>
        <translation>Newcomer welcome</translation>
    </message>
    <message>
        <source>新成员入群欢迎海报：头像、昵称、入群福利和群助手二维码</source>
        <translation>Welcome poster for new members: avatar, nickname, joining perks and the group assistant’s QR code</translation>
    </message>
    <message>
        <source>邀请好友裂变</source>
        <translation>Invite friends</translation>
    </message>
    <message>
        <source>邀请好友参加活动：邀请人头像与昵称、活动名、专属二维码和邀请码</source>
        <translation>Invite friends to a campaign: the inviter’s avatar and nickname, campaign name, personal QR code and invite code</translation>
    </message>
    <message>
        <source>拼团</source>
        <translation>Group buy</translation>
    </message>
    <message>
        <source>拼团活动：拼团价、原价、成团人数、截止日期和参团二维码</source>
        <translation>Group-buy deal: group price, original price, group size, deadline and the QR code to join</translation>
    </message>
    <message>
        <source>打卡挑战</source>
        <translation>Check-in challenge</translation>
    </message>
    <message>
        <source>打卡挑战：天数、打卡格、参与者头像和昵称、打卡群二维码</source>
        <translation>Check-in challenge: number of days, check-in boxes, the participant’s avatar and nickname, and the check-in group’s QR code</translation>
    </message>
    <message>
        <source>线下活动</source>
        <translation>Offline event</translation>
    </message>
    <message>
        <source>线下活动邀请函：活动名、时间、地点、报名截止和报名二维码</source>
        <translation>Event invitation: event name, time, place, sign-up deadline and the sign-up QR code</translation>
    </message>
    <message>
        <source>没有名为「{key}」的内置模板，可选：{known}</source>
        <translation>There is no built-in template “{key}”; choose from: {known}</translation>
    </message>
    <message>
        <source>请选择保存海报的位置</source>
        <translation>Choose where to save the posters</translation>
    </message>
    <message>
        <source>{path} 是一个文件夹，打包输出需要另一个 .zip 文件名</source>
        <translation>{path} is a folder: a zip output needs a .zip file name</translation>
    </message>
    <message>
        <source>{path} 已存在且不是文件夹</source>
        <translation>{path} exists and is not a folder</translation>
    </message>
    <message>
        <source>没有权限写入 {path}</source>
        <translation>No permission to write to {path}</translation>
    </message>
    <message>
        <source>{what}里没有可生成海报的成员，未写入任何文件</source>
        <translation>{what} has no members to make posters for; no file was written</translation>
    </message>
    <message>
        <source>{names}等</source>
        <translation>{names} and others</translation>
    </message>
    <message>
        <source>这张海报要放群二维码，但{names}没有有效的群二维码（已过期或还没上传）：请先在「社群」页更新群二维码。未写入任何文件</source>
        <translation>This poster shows the group QR code, but {names} have no valid group QR code (expired or not uploaded yet): update it in the Communities tab first. No file was written</translation>
    </message>
    <message>
        <source>截止日期「{text}」应写成 YYYY-MM-DD，例如 2026-04-30</source>
        <translation>Write the deadline “{text}” as YYYY-MM-DD, for example 2026-04-30</translation>
    </message>
    <message>
        <source>无法在 {path} 写入：{existing} 不是文件夹</source>
        <translation>Cannot write to {path}: {existing} is not a folder</translation>
    </message>
    <message>
        <source>诱导分享：把「转发/分享到朋友圈或群」作为领取奖励的条件，违反微信《外部链接内容管理规范》，首次违规链接会被封禁 30 天。建议改为「欢迎分享给需要的朋友」，奖励不与分享挂钩。</source>
        <translation>Inducing shares: making “share to Moments or a group” a condition for a reward breaks WeChat’s External Link Content Rules; a first offence bans the link for 30 days. Say “Feel free to share with friends who need it” instead, and keep rewards apart from sharing.</translation>
    </message>
    <message>
        <source>诱导分享：「分享后解锁/查看」把内容的获取与分享挂钩，属于微信禁止的诱导分享。建议直接展示内容，分享由读者自愿。</source>
        <translation>Inducing shares: “share to unlock/read” ties the content to sharing, which WeChat forbids. Show the content directly and let readers share if they wish.</translation>
    </message>
    <message>
        <source>诱导分享：以奖励换取转发/分享，属于微信禁止的诱导分享行为。建议去掉分享条件，改为直接领取或按消费、签到等行为发放。</source>
        <translation>Inducing shares: a reward in exchange for sharing is inducement WeChat forbids. Drop the sharing condition: let people claim directly, or reward purchases, check-ins and the like.</translation>
    </message>
    <message>
        <source>诱导分享：要求转发后截图给客服领取奖励，是诱导分享的常见写法，容易被举报和判定违规。建议改为按真实邀请关系（邀请码）自动记录，不要求截图。</source>
        <translation>Inducing shares: asking for a screenshot of the share to claim a reward is a common form of inducement, easily reported and judged a violation. Record real invitations (invite codes) automatically instead of asking for screenshots.</translation>
    </message>
    <message>
        <source>诱导分享：「集赞」是微信明令禁止的诱导行为（利用奖励诱导用户在朋友圈集赞），首次违规链接封禁 30 天。建议改为抽奖、签到或消费满额送。</source>
        <translation>Inducing shares: “collecting likes” is inducement WeChat explicitly forbids (rewarding likes on Moments); a first offence bans the link for 30 days. Use a lucky draw, check-ins or a gift for spending instead.</translation>
    </message>
    <message>
        <source>诱导分享：「邀请 N 位好友才能领取」把奖励与拉人数量挂钩，写在公众号文章或朋友圈里属于诱导分享。建议在群内一对一说明活动规则，对外文案只介绍活动本身。</source>
        <translation>Inducing shares: “invite N friends to claim” ties the reward to a head count; in an Official Account article or on Moments this is inducement. Explain the rules one to one in the group, and let public copy describe only the campaign.</translation>
    </message>
    <message>
        <source>诱导分享：「邀请好友才能/即可领取」把奖励与拉人挂钩，写在公众号文章或朋友圈里属于诱导分享。建议在群内一对一说明活动规则，对外文案只介绍活动本身。</source>
        <translation>Inducing shares: “invite friends to claim” ties the reward to bringing people in; in an Official Account article or on Moments this is inducement. Explain the rules one to one in the group, and let public copy describe only the campaign.</translation>
    </message>
    <message>
        <source>诱导分享：要求好友助力/帮砍才能得到奖励，属于微信限制的诱导分享玩法，链接可能被限制传播。建议对外文案不写助力条件。</source>
        <translation>Inducing shares: making friends help or “cut the price” before a reward is a share inducement WeChat restricts; the link’s spread may be limited. Leave helper conditions out of public copy.</translation>
    </message>
    <message>
        <source>诱导关注：以奖励或内容为条件要求关注公众号（如「关注后才能领取」），违反《微信公众平台运营规范》，可能被限制功能。建议奖励不以关注为前提。</source>
        <translation>Inducing follows: requiring a follow of the Official Account for a reward or content (e.g. “follow to claim”) breaks the WeChat Official Accounts Operation Rules and may get features restricted. Don’t make rewards depend on following.</translation>
    </message>
    <message>
        <source>诱导分享：用祝福、恐吓或「转发到 N 个群」的方式要求转发，属于微信禁止的诱导分享内容。</source>
        <translation>Inducing shares: demanding shares with blessings, threats or “forward to N groups” is share inducement WeChat forbids.</translation>
    </message>
    <message>
        <source>社群「{name}」</source>
        <translation>Community “{name}”</translation>
    </message>
    <message>
        <source>分群「{name}」</source>
        <translation>Segment “{name}”</translation>
    </message>
    <message>
        <source>邀请链接格式太长（超过 {limit} 个字符）</source>
        <translation>The invite link format is too long (over {limit} characters)</translation>
    </message>
    <message>
        <source>邀请链接格式里不能有空格或换行</source>
        <translation>The invite link format cannot contain spaces or line breaks</translation>
    </message>
    <message>
        <source>邀请链接格式要包含 {邀请码}，例如 https://example.com/i/{邀请码}，否则人人同一个码</source>
        <translation>The invite link format must contain {邀请码}, e.g. https://example.com/i/{邀请码}; otherwise everyone gets the same code</translation>
    </message>
    <message>
        <source>请指定一个社群（--community）或一个分群（--segment）</source>
        <translation>Choose one community (--community) or one segment (--segment)</translation>
    </message>
    <message>
        <source>选中的 {count} 位成员</source>
        <translation>The {count} selected members</translation>
    </message>
    <message>
        <source>（不在任何社群）</source>
        <translation>(in no community)</translation>
    </message>
    <message>
        <source>模板缺少图片：{names}</source>
        <translation>The template is missing pictures: {names}</translation>
    </message>
    <message>
        <source>模板文件太大（超过 {size} MB）</source>
        <translation>The template file is too large (over {size} MB)</translation>
    </message>
    <message>
        <source>模板文件里没有 template.json</source>
        <translation>The template file has no template.json</translation>
    </message>
    <message>
        <source>模板文件缺少图片：{names}</source>
        <translation>The template file is missing pictures: {names}</translation>
    </message>
    <message>
        <source>模板文件解压后过大，可能是异常文件，已拒绝</source>
        <translation>The template file unpacks too large; it may be malformed and was refused</translation>
    </message>
    <message>
        <source>这不是海报模板文件（应为 .zip，内含 template.json）</source>
        <translation>This is not a poster template file (it should be a .zip holding template.json)</translation>
    </message>
    <message>
        <source>模板文件里的文件太多（{count} 个）</source>
        <translation>The template file holds too many files ({count})</translation>
    </message>
    <message>
        <source>模板图片「{name}」</source>
        <translation>Template picture “{name}”</translation>
    </message>
    <message>
        <source>模板文件已损坏，无法读取「{name}」</source>
        <translation>The template file is damaged: “{name}” cannot be read</translation>
    </message>
    <message>
        <source>{what}的数据格式不对</source>
        <translation>The {what} data is in the wrong format</translation>
    </message>
    <message>
        <source>二维码「{name}」的内容为空（缺少邀请链接或邀请码？）</source>
        <translation>QR code “{name}” has no content (missing invite link or invite code?)</translation>
    </message>
    <message>
        <source>二维码「{name}」区域太小（{side} 像素），内容需要至少 {least} 像素，请放大二维码或缩短内容</source>
        <translation>QR code “{name}” is too small ({side} px): its content needs at least {least} px; make the QR code larger or the content shorter</translation>
    </message>
    <message>
        <source>无法读取{what}文件「{name}」：{error}</source>
        <translation>Cannot read the {what} file “{name}”: {error}</translation>
    </message>
    <message>
        <source>二维码内容太长（{size} 字节），纠错等级 {level} 放不下，请缩短链接</source>
        <translation>The QR code content is too long ({size} bytes) for error correction level {level}: shorten the link</translation>
    </message>
    <message>
        <source>模板缺少图片「{name}」</source>
        <translation>The template is missing the picture “{name}”</translation>
    </message>
    <message>
        <source>{problem}，已用昵称首字代替</source>
        <translation>{problem}; the nickname’s first character is shown instead</translation>
    </message>
    <message>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>没有名为「{name}」的海报模板，可选：{choices}</source>
        <translation>There is no poster template “{name}”; choose from: {choices}</translation>
    </message>
    <message>
        <source>模板需要一个名称</source>
        <translation>The template needs a name</translation>
    </message>
    <message>
        <source>模板名称太长（最多 {limit} 个字）</source>
        <translation>The template name is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>「{name}」是内置模板的名称，请换一个名称</source>
        <translation>“{name}” is the name of a built-in template: choose another name</translation>
    </message>
    <message>
        <source>已有名为「{name}」的模板，请换一个名称</source>
        <translation>A template named “{name}” already exists: choose another name</translation>
    </message>
    <message>
        <source>「{name}」是内置模板，不能删除</source>
        <translation>“{name}” is a built-in template and cannot be deleted</translation>
    </message>
    <message>
        <source>没有名为「{name}」的已保存模板</source>
        <translation>There is no saved template “{name}”</translation>
    </message>
    <message>
        <source>{path} 是一个文件夹，请给出 .zip 文件名</source>
        <translation>{path} is a folder: give a .zip file name</translation>
    </message>
    <message>
        <source>{name}（{key}）</source>
        <translation>{name} ({key})</translation>
    </message>
    <message>
        <source>内置模板不能修改，请另存为新模板</source>
        <translation>Built-in templates cannot be changed: save as a new template</translation>
    </message>
    <message>
        <source>模板代号「{key}」只能用字母、数字、- 和 _</source>
        <translation>The template key “{key}” may only use letters, digits, - and _</translation>
    </message>
    <message>
        <source>找不到模板文件：{path}</source>
        <translation>Template file not found: {path}</translation>
    </message>
    <message>
        <source>无法读取模板文件 {path}：{error}</source>
        <translation>Cannot read the template file {path}: {error}</translation>
    </message>
    <message>
        <source>无法写入 {path}：{error}</source>
        <translation>Cannot write {path}: {error}</translation>
    </message>
    <message>
        <source>颜色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>背景</source>
        <translation>Background</translation>
    </message>
    <message>
        <source>文字</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>形状</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>竖版海报 1080×1920（朋友圈）</source>
        <translation>Portrait poster 1080×1920 (Moments)</translation>
    </message>
    <message>
        <source>手机海报 750×1334</source>
        <translation>Phone poster 750×1334</translation>
    </message>
    <message>
        <source>方形 1080×1080</source>
        <translation>Square 1080×1080</translation>
    </message>
    <message>
        <source>A4 打印 300dpi（2480×3508）</source>
        <translation>A4 print 300 dpi (2480×3508)</translation>
    </message>
    <message>
        <source>没有名为「{key}」的画布尺寸</source>
        <translation>There is no canvas size “{key}”</translation>
    </message>
    <message>
        <source>{where}：应为颜色（#RRGGBB）或渐变</source>
        <translation>{where}: should be a colour (#RRGGBB) or a gradient</translation>
    </message>
    <message>
        <source>画布宽度</source>
        <translation>Canvas width</translation>
    </message>
    <message>
        <source>画布高度</source>
        <translation>Canvas height</translation>
    </message>
    <message>
        <source>画布分辨率</source>
        <translation>Canvas resolution</translation>
    </message>
    <message>
        <source>第 {index} 个图层（{kind}「{name}」）</source>
        <translation>Layer {index} ({kind} “{name}”)</translation>
    </message>
    <message>
        <source>第 {index} 个图层（{kind}）</source>
        <translation>Layer {index} ({kind})</translation>
    </message>
    <message>
        <source>{where}的 {field}</source>
        <translation>{where}: {field}</translation>
    </message>
    <message>
        <source>画布尺寸必须为正数，实际为 {width}×{height}</source>
        <translation>The canvas size must be positive, not {width}×{height}</translation>
    </message>
    <message>
        <source>画布太大（{width}×{height}），A4 300dpi 为 2480×3508</source>
        <translation>The canvas is too large ({width}×{height}); A4 at 300 dpi is 2480×3508</translation>
    </message>
    <message>
        <source>画布分辨率（dpi）应在 {low} 到 {high} 之间，实际为 {dpi}</source>
        <translation>The canvas resolution (dpi) should be between {low} and {high}, not {dpi}</translation>
    </message>
    <message>
        <source>{where}：「{value}」不是有效的颜色，应为 #RRGGBB 或 #RRGGBBAA</source>
        <translation>{where}: “{value}” is not a valid colour; use #RRGGBB or #RRGGBBAA</translation>
    </message>
    <message>
        <source>{where}的角度</source>
        <translation>{where}: angle</translation>
    </message>
    <message>
        <source>{where}应为数字，实际为「{value}」</source>
        <translation>{where} should be a number, not “{value}”</translation>
    </message>
    <message>
        <source>模板文件格式不对：最外层应为一个对象</source>
        <translation>The template file is malformed: the outermost value should be an object</translation>
    </message>
    <message>
        <source>模板缺少版本号（schema），可能不是本程序的海报模板</source>
        <translation>The template has no version (schema); it may not be a poster template of this program</translation>
    </message>
    <message>
        <source>不认识的模板版本：{version}</source>
        <translation>Unknown template version: {version}</translation>
    </message>
    <message>
        <source>模板缺少画布（canvas）的宽和高</source>
        <translation>The template has no canvas width and height (canvas)</translation>
    </message>
    <message>
        <source>模板缺少图层列表（layers）</source>
        <translation>The template has no list of layers (layers)</translation>
    </message>
    <message>
        <source>模板名称和说明应为文字</source>
        <translation>The template name and description should be text</translation>
    </message>
    <message>
        <source>{label}应为整数，实际为「{value}」</source>
        <translation>{label} should be a whole number, not “{value}”</translation>
    </message>
    <message>
        <source>第 {index} 个图层格式不对：应为一个对象</source>
        <translation>Layer {index} is malformed: it should be an object</translation>
    </message>
    <message>
        <source>第 {index} 个图层缺少类型（type）</source>
        <translation>Layer {index} has no type (type)</translation>
    </message>
    <message>
        <source>第 {index} 个图层的类型「{kind}」不认识，可用：{known}</source>
        <translation>Layer {index} has an unknown type “{kind}”; available: {known}</translation>
    </message>
    <message>
        <source>{where}应为阴影设置对象</source>
        <translation>{where} should be a shadow settings object</translation>
    </message>
    <message>
        <source>{where}：只支持线性渐变（linear）</source>
        <translation>{where}: only linear gradients (linear) are supported</translation>
    </message>
    <message>
        <source>{where}：渐变至少需要两个色标（stops）</source>
        <translation>{where}: a gradient needs at least two colour stops (stops)</translation>
    </message>
    <message>
        <source>{where}的色标位置</source>
        <translation>{where}: stop position</translation>
    </message>
    <message>
        <source>{where}的色标</source>
        <translation>{where}: colour stop</translation>
    </message>
    <message>
        <source>模板版本 {version} 比本程序新（支持 {supported}），请升级程序</source>
        <translation>Template version {version} is newer than this program supports ({supported}): please update the program</translation>
    </message>
    <message>
        <source>模板缺少{label}（{key}）</source>
        <translation>{label} ({key}) is missing from the template</translation>
    </message>
    <message>
        <source>{key}（{name}）</source>
        <translation>{key} ({name})</translation>
    </message>
    <message>
        <source>{where}有不认识的属性「{key}」</source>
        <translation>{where} has an unknown property “{key}”</translation>
    </message>
    <message>
        <source>{where}的字号应满足 1 ≤ 最小字号 ≤ 字号 ≤ 2000，实际为 {smallest} / {size}</source>
        <translation>{where}: the sizes should satisfy 1 ≤ minimum size ≤ size ≤ 2000, not {smallest} / {size}</translation>
    </message>
    <message>
        <source>{where}的留白（quiet_zone）至少 4 个模块，否则扫不出来</source>
        <translation>{where}: the quiet zone (quiet_zone) needs at least 4 modules, or the code will not scan</translation>
    </message>
    <message>
        <source>{where}的留白（quiet_zone）最多 20 个模块</source>
        <translation>{where}: the quiet zone (quiet_zone) has at most 20 modules</translation>
    </message>
    <message>
        <source>{where}缺少二维码内容（content），例如 {{邀请链接}}</source>
        <translation>{where} has no QR code content (content), e.g. {{邀请链接}}</translation>
    </message>
    <message>
        <source>{where}：色标应为 [位置, 颜色]，如 [0, &quot;#ff6600&quot;]</source>
        <translation>{where}: a colour stop should be [position, colour], e.g. [0, &quot;#ff6600&quot;]</translation>
    </message>
    <message>
        <source>模板文件不是有效的 JSON：{error}</source>
        <translation>The template file is not valid JSON: {error}</translation>
    </message>
    <message>
        <source>{where}缺少高度（height）</source>
        <translation>{where} has no height (height)</translation>
    </message>
    <message>
        <source>{where}缺少宽度（width）</source>
        <translation>{where} has no width (width)</translation>
    </message>
    <message>
        <source>{where}应为 true 或 false</source>
        <translation>{where} should be true or false</translation>
    </message>
    <message>
        <source>{where}应为文字</source>
        <translation>{where} should be text</translation>
    </message>
    <message>
        <source>{where}只能是 {choices}，实际为「{value}」</source>
        <translation>{where} must be one of {choices}, not “{value}”</translation>
    </message>
    <message>
        <source>无法加载字体文件「{name}」，请改用内置字体</source>
        <translation>Cannot load the font file “{name}”: use the built-in font instead</translation>
    </message>
    <message>
        <source>二维码「{name}」被其他图层遮住（{layers}），扫不出来：请把二维码移到这些图层上面，或移开它们</source>
        <translation>QR code “{name}” is covered by other layers ({layers}) and cannot be scanned: move the code above them, or move them away</translation>
    </message>
    <message>
        <source>二维码「{name}」无法识别（读出的是「{text}」）</source>
        <translation>QR code “{name}” does not scan correctly (it reads “{text}”)</translation>
    </message>
    <message>
        <source>二维码「{name}」无法识别</source>
        <translation>QR code “{name}” does not scan</translation>
    </message>
    <message>
        <source>二维码「{name}」打印后只有 {size:.1f} 厘米宽，建议至少 {least} 厘米（{dpi} dpi 下 {pixels} 像素）</source>
        <translation>QR code “{name}” prints only {size:.1f} cm wide; at least {least} cm is advised ({pixels} px at {dpi} dpi)</translation>
    </message>
    <message>
        <source>二维码「{name}」只有 {size} 像素宽，在手机上太小，建议至少 {least} 像素（画面较短边的 {share}%）</source>
        <translation>QR code “{name}” is only {size} px wide, too small on a phone; at least {least} px is advised ({share}% of the shorter side)</translation>
    </message>
    <message>
        <source>二维码「{name}」每个方块只有 {pixels} 像素，微信压缩后可能扫不出，请放大二维码或缩短链接</source>
        <translation>QR code “{name}” has modules of only {pixels} px and may not scan after WeChat compresses it: make the code larger or the link shorter</translation>
    </message>
    <message>
        <source>二维码「{name}」颜色反了（深色块比背景浅），很多手机扫不出</source>
        <translation>QR code “{name}” has inverted colours (the dark modules are lighter than the background); many phones cannot scan it</translation>
    </message>
    <message>
        <source>二维码「{name}」与背景的对比度只有 {contrast:.1f}:1，建议至少 {least:.0f}:1（深色码、浅色底）</source>
        <translation>QR code “{name}” has a contrast of only {contrast:.1f}:1 with its background; at least {least:.0f}:1 is advised (dark code, light background)</translation>
    </message>
    <message>
        <source>重要价值</source>
        <translation>High value</translation>
    </message>
    <message>
        <source>最近来过、常来、贡献高：最有价值的成员</source>
        <translation>Recent, frequent and high-value: the most valuable members</translation>
    </message>
    <message>
        <source>重点维护：邀请加入核心群或 KOC 计划，提供专属福利</source>
        <translation>Look after them: invite them to the core group or the KOC programme, offer exclusive perks</translation>
    </message>
    <message>
        <source>重要保持</source>
        <translation>High value, lapsing</translation>
    </message>
    <message>
        <source>常来、贡献高，但最近没有出现</source>
        <translation>Frequent and high-value, but not seen lately</translation>
    </message>
    <message>
        <source>私聊关怀，告知新品或近期活动，保持联系</source>
        <translation>Message them privately about new products or upcoming events; stay in touch</translation>
    </message>
    <message>
        <source>重要发展</source>
        <translation>High value, infrequent</translation>
    </message>
    <message>
        <source>最近来过、贡献高，但来得不多</source>
        <translation>Recent and high-value, but not frequent</translation>
    </message>
    <message>
        <source>提高频次：邀请签到打卡、参加社群活动</source>
        <translation>Raise the frequency: invite them to check in and join community events</translation>
    </message>
    <message>
        <source>重要挽留</source>
        <translation>High value, at risk</translation>
    </message>
    <message>
        <source>贡献高，但很久没来、来得也少：有流失风险</source>
        <translation>High-value, but absent for long and rarely around: at risk of leaving</translation>
    </message>
    <message>
        <source>发专属优惠券唤回</source>
        <translation>Send an exclusive coupon to win them back</translation>
    </message>
    <message>
        <source>一般价值</source>
        <translation>Regulars</translation>
    </message>
    <message>
        <source>最近来过、常来，但贡献不高</source>
        <translation>Recent and frequent, but low value</translation>
    </message>
    <message>
        <source>推荐入门商品或拼团优惠，促成首单或复购</source>
        <translation>Suggest starter products or group-buy deals to prompt a first or repeat order</translation>
    </message>
    <message>
        <source>一般保持</source>
        <translation>Regulars, lapsing</translation>
    </message>
    <message>
        <source>以前常来、贡献不高，最近没有出现</source>
        <translation>Used to come often, low value, not seen lately</translation>
    </message>
    <message>
        <source>发起话题或打卡挑战，重新带动参与</source>
        <translation>Start a topic or a check-in challenge to get them involved again</translation>
    </message>
    <message>
        <source>一般发展</source>
        <translation>Occasional</translation>
    </message>
    <message>
        <source>最近来过，但来得少、贡献不高</source>
        <translation>Recent, but rarely around and low value</translation>
    </message>
    <message>
        <source>新人引导：发群规和新人福利，邀请首次签到</source>
        <translation>Onboard them: send the group rules and newcomer perks, invite a first check-in</translation>
    </message>
    <message>
        <source>一般挽留</source>
        <translation>Dormant</translation>
    </message>
    <message>
        <source>很久没来、来得少、贡献不高</source>
        <translation>Absent for long, rarely around, low value</translation>
    </message>
    <message>
        <source>低成本触达：群公告或节日问候即可</source>
        <translation>Reach them cheaply: a group announcement or holiday greeting is enough</translation>
    </message>
    <message>
        <source>流失预警</source>
        <translation>Churn warning</translation>
    </message>
    <message>
        <source>活跃成员及以上等级（或手动指定的等级），已 14 天以上没有任何行为</source>
        <translation>Members at 活跃成员 level or above (or a level given by hand) with no activity for 14 days or more</translation>
    </message>
    <message>
        <source>私聊问候，邀请参加本周活动</source>
        <translation>Say hello privately and invite them to this week&apos;s event</translation>
    </message>
    <message>
        <source>新人活跃</source>
        <translation>Active newcomers</translation>
    </message>
    <message>
        <source>30 天内首次入群，入群后已有 3 天以上活跃</source>
        <translation>Joined for the first time within 30 days and active on 3 or more days since</translation>
    </message>
    <message>
        <source>欢迎并邀请加入核心群，鼓励分享、邀请好友</source>
        <translation>Welcome them, invite them to the core group, encourage sharing and inviting friends</translation>
    </message>
    <message>
        <source>本周最投入</source>
        <translation>Most engaged this week</translation>
    </message>
    <message>
        <source>近 7 天加权活跃分最高的 50 人（每天最多计 20 分：持续参与胜过一时刷屏）</source>
        <translation>The 50 members with the highest weighted activity score over the last 7 days (at most 20 points a day: steady participation beats a burst)</translation>
    </message>
    <message>
        <source>群内公开致谢，发放积分或小礼物，邀请成为 KOC</source>
        <translation>Thank them publicly in the group, give points or a small gift, invite them to become a KOC</translation>
    </message>
    <message>
        <source>没有叫「{wanted}」的分群，可选：{names}</source>
        <translation>No segment named “{wanted}”; choose from: {names}</translation>
    </message>
    <message>
        <source>{metric} {figure}/{threshold}</source>
        <translation>{metric} {figure}/{threshold}</translation>
    </message>
    <message>
        <source>累计{metric} {figure}/{threshold}</source>
        <translation>{metric} (all time) {figure}/{threshold}</translation>
    </message>
    <message>
        <source>起步等级，没有条件</source>
        <translation>Starting level, no criteria</translation>
    </message>
    <message>
        <source>无法在 {path} 写入：{error}</source>
        <translation>Cannot write in {path}: {error}</translation>
    </message>
    <message>
        <source>模板名称</source>
        <translation>The template name</translation>
    </message>
    <message>
        <source>模板说明</source>
        <translation>The template description</translation>
    </message>
    <message>
        <source>图层太多（{count} 个，最多 {limit} 个）</source>
        <translation>Too many layers ({count}, at most {limit})</translation>
    </message>
    <message>
        <source>二维码图层太多（{count} 个，最多 {limit} 个）</source>
        <translation>Too many QR code layers ({count}, at most {limit})</translation>
    </message>
    <message>
        <source>{where}的字体</source>
        <translation>{where}: the font</translation>
    </message>
    <message>
        <source>{where}：渐变最多 {limit} 个色标，实际为 {count} 个</source>
        <translation>{where}: a gradient has at most {limit} stops, not {count}</translation>
    </message>
    <message>
        <source>{where}应为整数，实际为「{value}」</source>
        <translation>{where} should be a whole number, not “{value}”</translation>
    </message>
    <message>
        <source>第 {index} 个图层（未命名）</source>
        <translation>layer {index} (unnamed)</translation>
    </message>
    <message>
        <source>邀请码太长（最多 {limit} 个字符）</source>
        <translation>The invite code is too long (at most {limit} characters)</translation>
    </message>
    <message>
        <source>请输入邀请码</source>
        <translation>Please enter an invite code</translation>
    </message>
    <message>
        <source>邀请码只能由字母和数字组成：{code}</source>
        <translation>An invite code is made of letters and digits only: {code}</translation>
    </message>
    <message>
        <source>未知的邀请来源：{source}</source>
        <translation>Unknown referral source: {source}</translation>
    </message>
    <message>
        <source>没有编号为 {id} 的成员</source>
        <translation>No member has the number {id}</translation>
    </message>
    <message>
        <source>未知的邀请关系状态：{status}</source>
        <translation>Unknown referral status: {status}</translation>
    </message>
    <message>
        <source>没有编号为 {id} 的邀请关系</source>
        <translation>No referral has the number {id}</translation>
    </message>
    <message>
        <source>未知的邀请方式：{how}</source>
        <translation>Unknown way of inviting: {how}</translation>
    </message>
    <message>
        <source>同时有人在记录同一位成员的邀请关系，请重试</source>
        <translation>Someone else is recording a referral of the same member right now; please try again</translation>
    </message>
    <message>
        <source>成员 {invitee} 在这里已有邀请人（成员 {inviter}），先作废那条邀请关系</source>
        <translation>Member {invitee} already has an inviter here (member {inviter}); void that referral first</translation>
    </message>
    <message>
        <source>同时有人在修改这位成员的邀请关系，请重试</source>
        <translation>Someone else is changing this member&apos;s referrals right now; please try again</translation>
    </message>
    <message>
        <source>成员不能邀请自己</source>
        <translation>A member cannot invite themselves</translation>
    </message>
    <message>
        <source>邀请码 {code} 已发给成员 {member}</source>
        <translation>Invite code {code} was already given to member {member}</translation>
    </message>
    <message>
        <source>没有编号为 {id} 的活动</source>
        <translation>No campaign has the number {id}</translation>
    </message>
    <message>
        <source>同时有人在发放邀请码，请稍后重试</source>
        <translation>Someone else is issuing invite codes right now; please try again shortly</translation>
    </message>
    <message>
        <source>合并后又为成员 {member} 记录了邀请关系（编号 {edge}），撤销合并前请先作废它</source>
        <translation>Since the merge, a referral was recorded for member {member} (no. {edge}); void it before undoing the merge</translation>
    </message>
    <message>
        <source>没有邀请码 {code}，也没有只差一个字符的邀请码</source>
        <translation>There is no invite code {code}, and none that differs by one character</translation>
    </message>
    <message>
        <source>未发放的邀请码：{code}</source>
        <translation>Invite code never issued: {code}</translation>
    </message>
    <message>
        <source>没有邀请码 {code}，您要找的是不是：{codes}</source>
        <translation>There is no invite code {code}. Did you mean: {codes}</translation>
    </message>
    <message>
        <source>{code}（{name}）</source>
        <translation>{code} ({name})</translation>
    </message>
    <message>
        <source>成员数</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>净增（入群 − 退群）</source>
        <translation>Net growth (joins − leaves)</translation>
    </message>
    <message>
        <source>活跃率</source>
        <translation>Active share</translation>
    </message>
    <message>
        <source>新人 4 周留存</source>
        <translation>4-week retention of newcomers</translation>
    </message>
    <message>
        <source>积分负债（元）</source>
        <translation>Points liability (¥)</translation>
    </message>
    <message>
        <source>进行中的活动</source>
        <translation>Campaigns running</translation>
    </message>
    <message>
        <source>内容发送率</source>
        <translation>Content sent</translation>
    </message>
    <message>
        <source>已发送 {sent} / 计划 {planned}</source>
        <translation>{sent} sent / {planned} planned</translation>
    </message>
    <message>
        <source>{first}–{last} 天</source>
        <translation>{first}–{last} days</translation>
    </message>
    <message>
        <source>入群时间不详</source>
        <translation>Join date unknown</translation>
    </message>
    <message>
        <source>{first} 天以上</source>
        <translation>{first}+ days</translation>
    </message>
    <message>
        <source>未知的仪表盘数字：{target}</source>
        <translation>Unknown dashboard figure: {target}</translation>
    </message>
    <message>
        <source>本期净增 {n} 人，环比 {change}</source>
        <translation>Net growth this period {n}, {change} on the previous period</translation>
    </message>
    <message>
        <source>无可比数据</source>
        <translation>no comparison</translation>
    </message>
    <message>
        <source>{points:+.1f} 个百分点</source>
        <translation>{points:+.1f} percentage points</translation>
    </message>
    <message>
        <source>本周净增 {n} 人，环比 {change}</source>
        <translation>Net growth this week {n}, {change} on the previous week</translation>
    </message>
    <message>
        <source>本月净增 {n} 人，环比 {change}</source>
        <translation>Net growth this month {n}, {change} on the previous month</translation>
    </message>
    <message>
        <source>成员 {members:,} 人，活跃率 {share}（{change}）</source>
        <translation>{members:,} members, {share} active ({change})</translation>
    </message>
    <message>
        <source>积分负债 {value}，本期兑换 {count} 次、成本 {cost}</source>
        <translation>Points liability {value}; {count} redemptions this period costing {cost}</translation>
    </message>
    <message>
        <source>内容计划 {planned} 条，已发送 {sent} 条</source>
        <translation>Content: {planned} planned, {sent} sent</translation>
    </message>
    <message>
        <source>新人 4 周留存 {share}（{change}）</source>
        <translation>4-week retention of newcomers {share} ({change})</translation>
    </message>
    <message>
        <source>{count} 个社群需要关注：{names}</source>
        <translation>{count} communities need attention: {names}</translation>
    </message>
    <message>
        <source>{count} 人待跟进，详见「待跟进」</source>
        <translation>{count} members to follow up, see “Follow-up”</translation>
    </message>
    <message>
        <source>新群 7 天流失 {share}（超过 {limit}）</source>
        <translation>New group lost {share} in 7 days (over {limit})</translation>
    </message>
    <message>
        <source>近 7 天互动率 {share}（低于 {limit}）</source>
        <translation>Interaction over 7 days {share} (below {limit})</translation>
    </message>
    <message>
        <source>近 7 天 {share} 的成员没有任何行为（超过 {limit}）</source>
        <translation>{share} of members did nothing in 7 days (over {limit})</translation>
    </message>
    <message>
        <source>KOC 占比 {share}（建议 {low}–{high}）</source>
        <translation>KOC share {share} (recommended {low}–{high})</translation>
    </message>
    <message>
        <source>未知的报表预设：{name}（可选 weekly、monthly）</source>
        <translation>Unknown report preset: {name} (choose weekly or monthly)</translation>
    </message>
    <message>
        <source>报表期间最长 {days} 天</source>
        <translation>A report period is at most {days} days</translation>
    </message>
    <message>
        <source>较上期 {change}</source>
        <translation>vs previous period {change}</translation>
    </message>
    <message>
        <source>{name} · 漏斗</source>
        <translation>{name} · funnel</translation>
    </message>
    <message>
        <source>社群周报</source>
        <translation>Community weekly report</translation>
    </message>
    <message>
        <source>社群月报</source>
        <translation>Community monthly report</translation>
    </message>
    <message>
        <source>{community}：{warnings}</source>
        <translation>{community}: {warnings}</translation>
    </message>
    <message>
        <source>{detail} · {change}</source>
        <translation>{detail} · {change}</translation>
    </message>
    <message>
        <source>{start} 至 {end} · {where}</source>
        <translation>{start} to {end} · {where}</translation>
    </message>
    <message>
        <source>由 社群运营工作台 生成于 {moment} · 数据只在本机</source>
        <translation>Made by 社群运营工作台 at {moment} · the data stays on this machine</translation>
    </message>
    <message>
        <source>本期要点</source>
        <translation>Highlights</translation>
    </message>
    <message>
        <source>需要留意</source>
        <translation>Needs attention</translation>
    </message>
    <message>
        <source>长图文件必须是 .png 或 .pdf</source>
        <translation>The picture file must be .png or .pdf</translation>
    </message>
    <message>
        <source>成员增长</source>
        <translation>Member growth</translation>
    </message>
    <message>
        <source>社群运营报表</source>
        <translation>Community report</translation>
    </message>
    <message>
        <source>全部社群</source>
        <translation>All communities</translation>
    </message>
    <message>
        <source>另有 {count} 条，见工作簿</source>
        <translation>{count} more in the workbook</translation>
    </message>
    <message>
        <source>KOC 占比下限不能高于上限</source>
        <translation>The lower KOC share limit cannot be above the upper one</translation>
    </message>
    <message>
        <source>报表预警阈值「{name}」必须是数字</source>
        <translation>Report warning threshold “{name}” must be a number</translation>
    </message>
    <message>
        <source>报表预警阈值「{name}」应在 0 到 1 之间</source>
        <translation>Report warning threshold “{name}” must be between 0 and 1</translation>
    </message>
    <message>
        <source>报表预警阈值「{name}」应在 0 到 100000 之间</source>
        <translation>Report warning threshold “{name}” must be between 0 and 100000</translation>
    </message>
    <message>
        <source>低于保级线：{figures}</source>
        <translation>Below the low-water mark: {figures}</translation>
    </message>
    <message>
        <source>等级已锁定</source>
        <translation>Level locked</translation>
    </message>
    <message>
        <source>手动指定的等级</source>
        <translation>Level given by hand</translation>
    </message>
    <message>
        <source>冷启动：新人起步高一级</source>
        <translation>Cold start: newcomers start one level up</translation>
    </message>
    <message>
        <source>升级保护期到 {date}</source>
        <translation>Protected after promotion until {date}</translation>
    </message>
    <message>
        <source>未低于保级线：{figures}</source>
        <translation>Not below the low-water mark: {figures}</translation>
    </message>
    <message>
        <source>{missing}即可升级为{level}</source>
        <translation>To reach {level}: {missing}</translation>
    </message>
    <message>
        <source>已是最高的自动等级</source>
        <translation>Already at the highest automatic level</translation>
    </message>
    <message>
        <source>已满足{level}的全部条件，下次重新计算时升级</source>
        <translation>Meets every criterion of {level}; promoted at the next recalculation</translation>
    </message>
    <message>
        <source>累计{need}</source>
        <translation>{need} (all time)</translation>
    </message>
    <message>
        <source>没有这个成员（可能已被合并或删除）</source>
        <translation>No such member (they may have been merged or deleted)</translation>
    </message>
    <message>
        <source>累计{metric}</source>
        <translation>{metric} (all time)</translation>
    </message>
    <message>
        <source>团队成员不参与分层统计</source>
        <translation>Team members are left out of level statistics</translation>
    </message>
    <message>
        <source>团队成员不参与分层，等级不会自动变化</source>
        <translation>Team members are not tiered; their level does not change by itself</translation>
    </message>
    <message>
        <source>本月新加入</source>
        <translation>New this month</translation>
    </message>
    <message>
        <source>活跃天数</source>
        <translation>Active days</translation>
    </message>
    <message>
        <source>签到天数</source>
        <translation>Check-in days</translation>
    </message>
    <message>
        <source>发言次数</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>成功邀请</source>
        <translation>Invites</translation>
    </message>
    <message>
        <source>购买次数</source>
        <translation>Purchases</translation>
    </message>
    <message>
        <source>获得积分</source>
        <translation>Points earned</translation>
    </message>
    <message>
        <source>再活跃 {n} 天</source>
        <translation>active days +{n}</translation>
    </message>
    <message>
        <source>再签到 {n} 天</source>
        <translation>check-in days +{n}</translation>
    </message>
    <message>
        <source>再发言 {n} 次</source>
        <translation>messages +{n}</translation>
    </message>
    <message>
        <source>再成功邀请 {n} 人</source>
        <translation>successful invites +{n}</translation>
    </message>
    <message>
        <source>再购买 {n} 次</source>
        <translation>purchases +{n}</translation>
    </message>
    <message>
        <source>再获得 {n} 积分</source>
        <translation>points +{n}</translation>
    </message>
    <message>
        <source>等级「{level}」的「{metric}」</source>
        <translation>The “{metric}” threshold of level “{level}”</translation>
    </message>
    <message>
        <source>{what}必须是整数</source>
        <translation>{what} must be a whole number</translation>
    </message>
    <message>
        <source>{what}必须是 {low} 到 {high} 之间的整数</source>
        <translation>{what} must be a whole number from {low} to {high}</translation>
    </message>
    <message>
        <source>等级「{level}」的条件格式不对</source>
        <translation>The criteria of level “{level}” are malformed</translation>
    </message>
    <message>
        <source>等级设置的格式不对</source>
        <translation>The level settings are malformed</translation>
    </message>
    <message>
        <source>等级数须在 2 到 {limit} 之间</source>
        <translation>There must be between 2 and {limit} levels</translation>
    </message>
    <message>
        <source>第一个等级是每个人的起点，不能设为只能手动指定</source>
        <translation>The first level is where everyone starts; it cannot be given by hand only</translation>
    </message>
    <message>
        <source>保级线必须在 50% 到 100% 之间</source>
        <translation>The low-water mark must be between 50% and 100%</translation>
    </message>
    <message>
        <source>等级「{level}」有不认识的条件：{metric}</source>
        <translation>Level “{level}” has an unknown criterion: {metric}</translation>
    </message>
    <message>
        <source>第 {position} 个等级的格式不对</source>
        <translation>Level {position} is malformed</translation>
    </message>
    <message>
        <source>第 {position} 个等级缺少名称</source>
        <translation>Level {position} has no name</translation>
    </message>
    <message>
        <source>等级「{level}」的名称太长（最多 30 个字）</source>
        <translation>The name of level “{level}” is too long (30 characters at most)</translation>
    </message>
    <message>
        <source>等级「{level}」重复了</source>
        <translation>Level “{level}” appears twice</translation>
    </message>
    <message>
        <source>统计周期（天）</source>
        <translation>The rolling window (days)</translation>
    </message>
    <message>
        <source>保护期（天）</source>
        <translation>The grace period (days)</translation>
    </message>
    <message>
        <source>冷启动人数</source>
        <translation>The cold-start group size</translation>
    </message>
    <message>
        <source>这位成员不在这个群里</source>
        <translation>This member is not in this group</translation>
    </message>
    <message>
        <source>等级规则里没有「{level}」这个等级</source>
        <translation>The level rules have no level “{level}”</translation>
    </message>
    <message>
        <source>{figures}（近 {days} 天）</source>
        <translation>{figures} (last {days} days)</translation>
    </message>
    <message>
        <source>{kind} {count} 次</source>
        <translation>{kind} ×{count}</translation>
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
        <translation>Executors</translation>
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
        <source>没有管理者：群规和秩序没人维护</source>
        <translation>No managers: nobody keeps the rules and order</translation>
    </message>
    <message>
        <source>没有领导者：缺少带头分享、回答问题的人</source>
        <translation>No leaders: nobody leads the sharing or answers questions</translation>
    </message>
    <message>
        <source>没有连接者：没有人把新朋友带进来</source>
        <translation>No connectors: nobody brings new friends in</translation>
    </message>
    <message>
        <source>{levels}在变少：三个月前 {was} 人，现在 {now} 人</source>
        <translation>Fewer {levels}: {was} three months ago, {now} now</translation>
    </message>
    <message>
        <source>{role}在减少：三个月前 {was} 人，现在 {now} 人</source>
        <translation>{role} are decreasing: {was} three months ago, {now} now</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>无法完成</source>
        <translation>Could not finish</translation>
    </message>
    <message>
        <source>出现意外错误</source>
        <translation>Unexpected error</translation>
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
    <name>file_drop</name>
    <message>
        <source>图片 ({patterns});;所有文件 (*)</source>
        <translation>Images ({patterns});;All files (*)</translation>
    </message>
</context>
<context>
    <name>new_layers</name>
    <message>
        <source>文字</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>图片</source>
        <translation>Picture</translation>
    </message>
    <message>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>头像</source>
        <translation>Avatar</translation>
    </message>
    <message>
        <source>形状</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>输入文字</source>
        <translation>Your text</translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <source>管理者</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>领导者</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>执行者</source>
        <translation>Executor</translation>
    </message>
    <message>
        <source>追随者</source>
        <translation>Follower</translation>
    </message>
    <message>
        <source>连接者</source>
        <translation>Connector</translation>
    </message>
    <message>
        <source>贡献者</source>
        <translation>Contributor</translation>
    </message>
</context>
<context>
    <name>save_path</name>
    <message>
        <source>Excel 表格 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
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
        <translation>Please wait</translation>
    </message>
</context>
</TS>
