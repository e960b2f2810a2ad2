<table role="presentation" style="border-collapse:collapse;margin:16px 0;font-size:14px;">
  {{#each facts}}
  <tr>
    <th scope="row" style="text-align:left;padding:4px 12px 4px 0;color:#555555;font-weight:normal;">{{label}}</th>
    <td style="padding:4px 0;">{{value}}</td>
  </tr>
  {{/each}}
</table>
